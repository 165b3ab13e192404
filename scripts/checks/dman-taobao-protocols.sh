#!/usr/bin/env bash
# The DMAN table's Taobao column under three candidate protocols, from the finished cells (no training):
#   keep    the table's: the user's history excluded, the held-out target kept even when the user had it before
#   drop    the history excluded, a repeated target with it (it cannot be hit)
#   all     nothing excluded: every item a candidate, repeats and all
# A model that scores the user's own items high finds a repeated target under `keep` as the only history item
# among the candidates (docs/dman-table.md, "Taobao").
#   scripts/checks/dman-taobao-protocols.sh [SEED] [RUNS_DIR] [COLUMN] [METRIC]
#   defaults: 1, results/reproduce, taobao, hr@50
set -euo pipefail
cd "$(dirname "$0")/../.."
seed=${1:-1}
runs=${2:-results/reproduce}
column=${3:-taobao}
metric=${4:-hr@50}
. scripts/checks/cell-trial.sh
mean_of() { # RUN_DIR METRIC --set ...: the test mean of METRIC, recomputed under the changed keys
  local dir=$1 m=$2; shift 2
  ./bin/memrec eval --run "$dir" --metrics "$m" --json --quiet "$@" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).results.test.means[process.argv[1]].toFixed(4)))' "$m"
}
printf '%-16s %8s %8s %8s\n' row keep drop all
for row in gru4rec-latest caser-latest sasrec-latest gru4rec caser sasrec shan hpmn sdm dman dman-xl dman-fifo dman-nran; do
  cell="$runs/dman/$column/$row"
  trial=$(cell_trial "$cell" "$seed")
  [ -n "$trial" ] || continue
  dir="$cell/$trial"
  printf '%-16s %8s %8s %8s\n' "$row" \
    "$(mean_of "$dir" "$metric")" \
    "$(mean_of "$dir" "$metric" --set eval.keep_targets=false)" \
    "$(mean_of "$dir" "$metric" --set eval.exclude_history=false)"
done
