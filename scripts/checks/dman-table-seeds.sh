#!/usr/bin/env bash
# The DMAN table seed by seed: `memrec reproduce` averages each comparison over the seeds both rows ran; this
# shows whether a finding holds on every seed. It writes one `memrec table` per seed of the rows that ran it,
# every row against DMAN and against the best, Holm over each table (docs/dman-table.md).
# Reads the finished trials of `memrec reproduce --paper dman` (each cell's trial of the seed under the
# settings of its sweep.yaml: cell-trial.sh); runs nothing.
#   scripts/checks/dman-table-seeds.sh [COLUMN] [RUNS_DIR] [OUT_DIR]
#   defaults: ml_100k, results/reproduce, results/checks/dman-table-seeds
set -euo pipefail
cd "$(dirname "$0")/../.."
column=${1:-ml_100k}
runs=${2:-results/reproduce}
out=${3:-results/checks/dman-table-seeds}
# row labels of Table 3 and Table 5 by their run folder names (src/reproduce/tables.ts)
rows="gru4rec-latest=GRU4Rec* caser-latest=Caser* sasrec-latest=SASRec* gru4rec=GRU4Rec caser=Caser sasrec=SASRec shan=SHAN hpmn=HPMN sdm=SDM dman=DMAN dman-xl=DMAN-XL dman-fifo=DMAN-FIFO dman-nran=DMAN-NRAN"
. scripts/checks/cell-trial.sh
# the run folder of a cell's finished trial with this seed ("" when there is none)
run_of() {
  local cell="$runs/dman/$column/$1" trial
  trial=$(cell_trial "$cell" "$2")
  [ -z "$trial" ] || echo "$cell/$trial"
}
mkdir -p "$out"
for seed in 1 2 3 4 5; do
  args=()
  for pair in $rows; do
    dir=$(run_of "${pair%%=*}" "$seed")
    [ -n "$dir" ] && args+=("${pair#*=}=$dir")
  done
  if [ -z "$(run_of dman "$seed")" ]; then
    [ ${#args[@]} -eq 0 ] || echo "== seed $seed: DMAN has not run it; left out"
    continue
  fi
  [ ${#args[@]} -ge 2 ] || continue
  echo "== seed $seed: ${#args[@]} rows"
  ./bin/memrec table "${args[@]}" --proposed DMAN --metrics hr@50,hr@10,hr@100,ndcg@100 --out "$out/$column-seed$seed" | grep -E "^\| (hr@50|model) " || true
done
