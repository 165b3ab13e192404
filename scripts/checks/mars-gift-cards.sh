#!/usr/bin/env bash
# The MARS table's protocol on Amazon 2018 Gift Cards 5-core with its metadata (mars/gift-cards), which cannot
# be a column of `memrec reproduce --paper mars`: its 148 items are fewer than the table's MAP cut-off of 500,
# so MAP is taken over the whole ranking (map@148). MARS, its three variants (Figure 7), BPR-MF and MostPop, the
# table's settings (30 epochs, the best of every third epoch on validation Recall@50), seed 1's five random
# 30/35/35 splits; then one `memrec table` of the six runs, every row against MARS, Holm over the table
# (docs/mars-table.md). Two resumable sweeps: run again after an interruption.
#   scripts/checks/mars-gift-cards.sh [OUT_DIR]      default: results/checks/mars-gift-cards
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-results/checks/mars-gift-cards}
data=$(cd "${MEMREC_DATA:-../shared/datasets}" && pwd)
mkdir -p "$out/variants" "$out/baselines"
out=$(cd "$out" && pwd)
sweep() { # NAME KEY VALUES: one sweep over KEY
  cat > "$out/$1/sweep.yaml" <<YAML
preset: mars/gift-cards
path: $data/amazon-2018-5core/Gift_Cards_5.json.gz
set:
  data.amazon.meta_path: $data/amazon-2018-meta/meta_Gift_Cards.json.gz
  train.epochs: 30
  train.early_stop_metric: recall@50
  train.eval_every: 3
${4:-}
grid:
  $2: [$3]
seeds: [1]
select: none
out: $out/$1
YAML
  ./bin/memrec sweep --config "$out/$1/sweep.yaml" --quiet
}
sweep variants model.variant "mars, no_text, embed, no_attention" "  model.name: mars"
sweep baselines model.name "bpr, mostpop"
# each grid point's run folder, by the value it set
runs=$(node -e '
  const fs = require("fs");
  const names = { mars: "MARS", no_text: "MARS w/o Text", embed: "MARS +Embed", no_attention: "MARS w/o Att", bpr: "BPR", mostpop: "MostPop" };
  for (const part of process.argv.slice(1)) {
    const summary = JSON.parse(fs.readFileSync(`${part}/summary.json`, "utf8"));
    for (const point of summary.points) {
      const value = Object.values(point.values)[0];
      const trial = `${part}/trials/${point.trials[0]}`;
      const run = fs.readdirSync(trial).find((d) => /^2/.test(d));
      console.log(`${names[value]}=${trial}/${run}`);
    }
  }
' "$out/variants" "$out/baselines")
mapfile -t rows <<< "$runs"
./bin/memrec table "${rows[@]}" --proposed MARS --metrics recall@50,map@148 --out "$out/table"
