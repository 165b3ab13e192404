#!/usr/bin/env bash
# The DMAN table's pairwise claims that its own statistics (every row against DMAN and against the best) do not
# cover: each '*' row against its full-sequence version (Table 3: GRU4Rec*, Caser*, SASRec* lose to GRU4Rec,
# Caser, SASRec), seed by seed, paired t-test and Wilcoxon over the column's test users (docs/dman-table.md).
# Reads the finished trials of `memrec reproduce --paper dman`; runs nothing.
#   scripts/checks/dman-table-pairs.sh [COLUMN] [RUNS_DIR] [METRICS]
#   defaults: ml_100k, results/reproduce, "hr@10 hr@50 ndcg@100"
set -euo pipefail
cd "$(dirname "$0")/../.."
column=${1:-ml_100k}
runs=${2:-results/reproduce}
metrics=${3:-hr@10 hr@50 ndcg@100}
cell() { echo "$runs/dman/$column/$1"; }
. scripts/checks/cell-trial.sh
run_of() { cell_trial "$(cell "$1")" "$2"; }
for seed in 1 2 3 4 5; do
  for model in gru4rec caser sasrec; do
    a=$(run_of "$model-latest" "$seed"); b=$(run_of "$model" "$seed")
    [ -n "$a" ] && [ -n "$b" ] || continue
    echo "seed $seed: $model-latest (A) against $model (B)"
    for metric in $metrics; do
      ./bin/memrec compare "$(cell "$model-latest")/$a" "$(cell "$model")/$b" --metric "$metric" | grep -E "on test|^  (mean difference|paired|Wilcoxon)"
    done
  done
done
