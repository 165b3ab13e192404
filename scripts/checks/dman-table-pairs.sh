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
# the run folder (relative to its cell) of a cell's finished trial with this seed, among the trials its last
# plan lists in summary.json (a cell's index may also hold trials of older settings); "" when there is none
run_of() {
  local cell
  cell="$(cell "$1")"
  [ -f "$cell/summary.json" ] && [ -f "$cell/index.jsonl" ] || return 0
  node -e '
    const fs = require("fs");
    const [cell, seed] = process.argv.slice(1);
    const listed = new Set(JSON.parse(fs.readFileSync(cell + "/summary.json", "utf8")).points.flatMap((p) => p.trials));
    const rows = fs.readFileSync(cell + "/index.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const ok = rows.filter((r) => r.status === "ok" && listed.has(r.id) && r.seed === Number(seed));
    if (ok.length > 0) console.log(ok[ok.length - 1].run_dir);
  ' "$cell" "$2"
}
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
