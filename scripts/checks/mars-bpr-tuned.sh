#!/usr/bin/env bash
# Is the MARS table's BPR-MF (the presets' RMSprop at lr 0.001, 30 epochs, as every row) under-trained? On
# ML-100K (mars/ml-100k, seed 1's five splits) this sweeps BPR's optimiser and learning rate, chooses on the
# validation part's Recall@50, and tests the table's MARS run against the chosen BPR over the same users and
# splits (docs/mars-table.md).
#   scripts/checks/mars-bpr-tuned.sh [OUT_DIR]      default: results/checks/mars-bpr-tuned
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/checks/mars-bpr-tuned}
data=$(cd "${MEMREC_DATA:-../shared/datasets}" && pwd)/movielens-100k
mkdir -p "$out"
cat > "$out/sweep.yaml" <<YAML
preset: mars/ml-100k
path: $data/u.data
set:
  model.name: bpr
  data.movielens.movies_path: $data/u.item
  train.epochs: 30
  train.early_stop_metric: recall@50
grid:
  train.optimizer: [rmsprop, adam]
  train.lr: [0.001, 0.01, 0.05]
seeds: [1]
select: recall@50
out: $(cd "$out" && pwd)
YAML
./bin/memrec sweep --config "$out/sweep.yaml" --quiet
best=$(node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const point = s.points.find((p) => p.index === s.best.index);
  console.log(point.trials[0]);
' "$out/summary.json")
mars=$(ls -d results/reproduce/mars/ml_100k/mars/trials/base_s1_*/2*/ 2>/dev/null | head -1 || true)
[ -n "$mars" ] || { echo "no MARS run under results/reproduce/mars/ml_100k: run memrec reproduce --paper mars --columns ml_100k first"; exit 0; }
for metric in recall@50 map@500; do
  ./bin/memrec compare "$mars" "$(ls -d "$out/trials/$best"/2*/ | head -1)" --metric "$metric" | grep -E "on test|^  (A|B|mean difference|paired)"
done
