#!/usr/bin/env bash
# SASRec against SASRec* (DMAN's '*': train.latest_window 20, scoring from the last 20 items) on ML-100K under
# DMAN's protocol (the dman/movielens preset: leave-one-out, full ranking without the history), at the DMAN
# table's D 128 and 5 negatives, 10 epochs (the best validation epoch kept), per seed; then the paired t-tests
# over test users of each seed on HR@10, HR@50 and NDCG@100 (docs/dman-table.md).
#   scripts/checks/latest-window.sh [OUT_DIR] [SEEDS...]      defaults: results/checks/latest-window, seeds 1 2 3
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/checks/latest-window}
shift || true
seeds=${*:-1 2 3}
data=${MEMREC_DATA:-../shared/datasets}/movielens-100k/u.data
common=(--preset dman/movielens --path "$data" --quiet --set data.movielens.format=ml-100k --set model.name=sasrec
  --set model.dim=128 --set train.num_negatives=5 --set train.epochs=10)
for seed in $seeds; do
  for variant in full latest; do
    if ls -d "$out/$variant"/*_s"$seed"/metrics.json > /dev/null 2>&1; then continue; fi
    if [ "$variant" = full ]; then cut=(--set model.max_length=200); else cut=(--set train.latest_window=20 --set model.max_length=20); fi
    ./bin/memrec train "${common[@]}" "${cut[@]}" --set seed="$seed" --set output.dir="$out/$variant" --set output.name=s"$seed" > /dev/null
  done
  echo "seed $seed: SASRec (A) against SASRec* (B)"
  for metric in hr@10 hr@50 ndcg@100; do
    ./bin/memrec compare "$(ls -d "$out/full"/*_s"$seed" | head -1)" "$(ls -d "$out/latest"/*_s"$seed" | head -1)" --metric "$metric" | grep -E "on test|^  (A|B|mean difference|paired)"
  done
done
