#!/usr/bin/env bash
# First runs on real data: SASRec, GRU4Rec and BPR-MF on SASRec's Amazon Games data and on MovieLens-100K,
# trained and selected under the SASRec paper's protocol (leave-one-out, 100 uniform negatives), then the same
# saved models evaluated under full ranking. Long (hours on wasm): a reference check, not a test.
#
#   scripts/checks/first-runs.sh [games|ml100k ...]      (default: both)
# Environment: DATA (default ../shared/datasets), EPOCHS_GAMES (default 20), EPOCHS_ML (default 50),
# MODELS (default "sasrec gru4rec bpr"), BACKEND (default auto). Writes results/checks/<data>-<model>/ and
# prints a markdown summary (paste it into docs/checks.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
make build >/dev/null
DATA=${DATA:-../shared/datasets}
MODELS=${MODELS:-"sasrec gru4rec bpr"}
BACKEND=${BACKEND:-auto}
datasets=("$@")
[ ${#datasets[@]} -eq 0 ] && datasets=(games ml100k)

source_args() {
  case "$1" in
    games) echo "--set data.source=sasrec --set data.sasrec.path=$DATA/sasrec-amazon/Video.txt --set train.epochs=${EPOCHS_GAMES:-20}" ;;
    ml100k) echo "--set data.source=movielens --set data.movielens.path=$DATA/movielens-100k/u.data --set train.epochs=${EPOCHS_ML:-50} --set model.max_length=200" ;;
    *) echo "unknown dataset $1 (games or ml100k)" >&2; exit 2 ;;
  esac
}

runs=()
for dataset in "${datasets[@]}"; do
  for model in $MODELS; do
    out="results/checks/$dataset-$model"
    extra=$(source_args "$dataset")
    # BPR-MF has no max_length key: drop it for that model.
    [ "$model" = bpr ] && extra=${extra//--set model.max_length=200/}
    ./bin/memrec train --config "configs/checks/$model.yaml" --backend "$BACKEND" $extra --set "output.dir=$out"
    run=$(ls -d "$out"/*/ | tail -n 1)
    ./bin/memrec eval --run "$run" --set eval.candidates=full --set eval.exclude_history=true --json --quiet > "$run/full-ranking.json.tmp"
    mv "$run/full-ranking.json.tmp" "$run/full-ranking.json"
    runs+=("$run")
  done
done
node dist/scripts/checks/summarize-runs.js "${runs[@]}"
