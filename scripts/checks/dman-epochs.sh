#!/usr/bin/env bash
# Are the DMAN table's user-batched rows under-trained at the paper's "maximum epoch is 8"? On ML-100K
# (dman/ml-100k) an epoch is 943 sequences for SASRec and 5,299 windows for DMAN: 8 and 41 steps of 128, where
# Caser takes 759 steps over its 97,171 windows. This reruns rows with the table's settings but EPOCHS epochs
# (the paper: DMAN "tends to converge after ... 50 epochs for MovieLens"), stopping after PATIENCE validations
# without a better NDCG@100, then tests each against the table's Caser run (docs/dman-table.md).
#   scripts/checks/dman-epochs.sh [OUT_DIR] [EPOCHS] [PATIENCE] [ROWS...]
#   defaults: results/checks/dman-epochs, 30, 4, dman sasrec
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/checks/dman-epochs}
epochs=${2:-30}
patience=${3:-4}
shift 3 || shift $#
rows=${*:-dman sasrec}
data=${MEMREC_DATA:-../shared/datasets}/movielens-100k/u.data
table=(--set model.dim=128 --set train.num_negatives=5 --set "eval.cutoffs=[10, 50, 100]" --set train.early_stop_metric=ndcg@100)
for row in $rows; do
  case $row in
    dman) sets=(--set model.name=dman --set model.memory=routing --set model.attention=recurrent --set model.window=20 --set model.slots=20) ;;
    dman-xl) sets=(--set model.name=dman --set model.memory=none --set model.attention=recurrent --set model.window=20 --set model.slots=20) ;;
    sasrec) sets=(--set model.name=sasrec --set model.max_length=200) ;;
    *) echo "dman-epochs.sh: unknown row $row (dman, dman-xl, sasrec)" >&2; exit 2 ;;
  esac
  if ls -d "$out/$row"/*/metrics.json > /dev/null 2>&1; then continue; fi
  ./bin/memrec train --preset dman/ml-100k --path "$data" --quiet "${table[@]}" "${sets[@]}" --set train.epochs="$epochs" \
    --set train.patience="$patience" --set seed=1 --set output.dir="$out/$row" > /dev/null
done
caser=$(ls -d results/reproduce/dman/ml_100k/caser/trials/base_s1_*/2*/ 2>/dev/null | head -1 || true)
for row in $rows; do
  run=$(ls -d "$out/$row"/2*/ | head -1)
  echo "$row, $epochs epochs (patience $patience): valid NDCG@100 by epoch: $(grep -o 'valid ndcg@100 [0-9.]*' "$run/log.txt" | awk '{print $3}' | tr '\n' ' ')"
  if [ -n "$caser" ]; then
    for metric in hr@50 ndcg@100; do
      ./bin/memrec compare "$run" "$caser" --metric "$metric" | grep -E "on test|^  (A|B|mean difference|paired)"
    done
  fi
done
