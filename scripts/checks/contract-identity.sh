#!/usr/bin/env bash
# Trains every registered model on the quickstart synthetic config (2 epochs, 1 for the slow memory models)
# on the cpu and native backends, and keeps each metrics.json without the parts that must differ between two
# checkouts: the `run` section (ids, clock times) and environment.git_commit / git_dirty.
#   scripts/checks/contract-identity.sh OUT_DIR            capture
#   scripts/checks/contract-identity.sh --compare A B      byte-compare two captures (exit 1 on any difference)
# Used to show that a refactoring changed no number memrec prints (issue 13): capture on the old commit, capture
# on the new one, compare.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" = "--compare" ]; then
  status=0
  for file in "$2"/*.json; do
    name=$(basename "$file")
    if [ ! -f "$3/$name" ]; then echo "missing in $3: $name"; status=1; continue; fi
    if cmp -s "$file" "$3/$name"; then echo "identical: $name"; else echo "DIFFERENT: $name"; diff <(tr ',' '\n' < "$file") <(tr ',' '\n' < "$3/$name") | head -20; status=1; fi
  done
  exit $status
fi
out=${1:?usage: contract-identity.sh OUT_DIR | --compare A B}
mkdir -p "$out"
runs=$(mktemp -d)
models=$(node -e "console.log(Object.keys(require('./dist/src/models/registry').MODELS).join(' '))")
for backend in cpu native; do
  for model in $models; do
    ./bin/memrec train --config configs/quickstart.yaml --backend "$backend" --set model.name="$model" \
      --set train.epochs=2 --set output.dir="$runs/$backend" --set output.name="$model" --quiet > /dev/null
    metrics=$(ls -d "$runs/$backend"/*"$model"*/metrics.json | head -1)
    node -e "
      const m = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
      delete m.run; delete m.environment.git_commit; delete m.environment.git_dirty;
      process.stdout.write(JSON.stringify(m));" "$metrics" > "$out/$model-$backend.json"
    echo "$model on $backend: $(node -e "const m=require(process.argv[1]);console.log(JSON.stringify(m.results.test.means['ndcg@10']))" "$(realpath "$out/$model-$backend.json")")"
  done
done
rm -rf "$runs"
