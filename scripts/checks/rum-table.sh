#!/usr/bin/env bash
# RUM's Table 2 protocol (issue 7) on the Amazon data at hand: the 2014 5-core Musical Instruments reviews and
# S3-Rec's 5-core Beauty, Sports and Toys sequences, each with RUM's protocol (users with >= 10 records,
# chronological 70/30 split, full ranking with training items excluded, P/R/F1/HR/NDCG@5), six models each.
# Prints one Markdown table per dataset (docs/rum-table.md is its output). Tens of minutes.
#   scripts/checks/rum-table.sh [mi beauty sports toys]
# Environment: DATA (default ../shared/datasets), EPOCHS (default 30), BATCH (default 32), MODELS, BACKEND
# (default auto). Every model trains with Adam at lr 0.01 (as memrec reproduce --paper rum): not tuned, since
# the protocol has no validation part. docs/rum-table.md used BATCH=128 EPOCHS=20 for the S3-Rec sets, which
# have 25-45 times the interactions of the Musical Instruments file, so that a run costs minutes, not hours.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/src/cli/main.js ] || make build >/dev/null
DATA=${DATA:-../shared/datasets}
MODELS=${MODELS:-"mostpop bpr fpmc dream rum_item rum_feature"}
datasets=("$@")
[ ${#datasets[@]} -eq 0 ] && datasets=(mi beauty sports toys)
for dataset in "${datasets[@]}"; do
  case "$dataset" in
    mi) args=(--preset rum/musical-instruments-5core --path "$DATA/amazon-2014-5core/reviews_Musical_Instruments_5.json.gz"); column=musical_instrument
        title="Amazon 2014 5-core Musical Instruments (the paper's column: the same category, filtered differently)" ;;
    beauty|sports|toys)
      file=$(case "$dataset" in beauty) echo Beauty ;; sports) echo Sports_and_Outdoors ;; toys) echo Toys_and_Games ;; esac)
      args=(--config configs/checks/rum-s3rec.yaml --set "data.s3rec.path=$DATA/s3rec/$file.txt")
      column=-; title="S3-Rec's Amazon 2014 5-core $file (no column in the paper)" ;;
    *) echo "unknown dataset $dataset (mi, beauty, sports, toys)" >&2; exit 2 ;;
  esac
  runs=()
  for model in $MODELS; do
    out="results/checks/rum-$dataset/$model"
    ./bin/memrec train "${args[@]}" --backend "${BACKEND:-auto}" --set "model.name=$model" --set "train.epochs=${EPOCHS:-30}" \
      --set train.lr=0.01 --set "train.batch_size=${BATCH:-32}" \
      --set "output.dir=$out" --quiet > /dev/null
    runs+=("$(ls -d "$out"/*/ | tail -n 1)")
  done
  node dist/scripts/checks/rum-table.js "$title" "$column" "${runs[@]}"
done
