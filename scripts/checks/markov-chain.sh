#!/usr/bin/env bash
# Every trainable model on the order-1 Markov chain (data.source markov; by default 3,000 walks over 300 items,
# 3 random successors each), leave-one-out, seen items kept in the ranking: test NDCG@10 and HR@10 with the
# model's defaults and with the README's recommended settings ("What each model can represent"), beside the
# chain's optimum (the log's `markov chain:` line). test/models/chain-learning.test.ts checks the models that
# matter on a small chain; this runs them all at full size. Tens of minutes on two cores.
#   scripts/checks/markov-chain.sh [EPOCHS] [MODEL...]
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-20}
shift || true
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# name|recommended settings (space-separated --set values; empty: the defaults are the recommendation)
runs=(
  "mostpop|" "bpr|" "fpmc|train.lr=0.01" "gru4rec|train.num_negatives=128" "caser|" "narm|" "stamp|"
  "sasrec|train.loss=full_softmax" "tisasrec|" "dream|train.lr=0.03 train.batch_size=32"
  "rum_item|model.memory_embedding=separate model.memory_slots=1 model.alpha=1 train.lr=0.01"
  "rum_feature|model.alpha=1 train.lr=0.01 train.batch_size=32" "tgru|" "tseqrec|" "mtam|"
)
run() { # name label sets...
  local name=$1 label=$2
  shift 2
  local args=()
  for s in "$@"; do args+=(--set "$s"); done
  ./bin/memrec train --set data.source=markov --set model.name="$name" --set eval.exclude_history=false \
    --set train.epochs="$epochs" --set eval.metrics='[hr,ndcg]' --set eval.cutoffs='[10]' --set output.dir="$out" \
    --set output.name="$label" "${args[@]}" >"$out/$label.log" 2>&1
  grep -m 1 -E '^markov chain:' "$out/$label.log" >"$out/optimum.txt"
  node -e 'const fs=require("fs"),p=require("path");const d=process.argv[1];const run=fs.readdirSync(d).filter((f)=>f.endsWith(process.argv[2])).sort().pop();const m=JSON.parse(fs.readFileSync(p.join(d,run,"metrics.json"),"utf8")).results.test.means;console.log(`| ${process.argv[3]} | ${m["ndcg@10"].toFixed(4)} | ${m["hr@10"].toFixed(4)} |`)' "$out" "_$label" "$label"
}
echo "| model (settings) | test NDCG@10 | test HR@10 |"
echo "|---|---:|---:|"
for entry in "${runs[@]}"; do
  name=${entry%%|*}
  sets=${entry#*|}
  if [ $# -gt 0 ] && [[ ! " $* " == *" $name "* ]]; then continue; fi
  run "$name" "$name-defaults"
  # shellcheck disable=SC2086
  [ -n "$sets" ] && run "$name" "$name-recommended" $sets
done
cat "$out/optimum.txt"
