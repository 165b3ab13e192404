#!/usr/bin/env bash
# A SASRec run under the sampled protocol (each target among 100 sampled items) on a synthetic catalogue of
# 1,000,000 items, and how long its evaluation takes: this tree, and optionally another memrec checkout (an
# older commit, e.g. `git worktree add /tmp/old 0d7a171 && make -C /tmp/old build`) run the same way.
#   scripts/checks/sampled-eval-run.sh [OTHER_CHECKOUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
args=(train --set model.name=sasrec --set data.synthetic.num_items=1000000 --set data.synthetic.num_users=2000
  --set train.epochs=1 --set train.eval_every=0 --set eval.candidates=sampled --set eval.num_negatives=100
  --set data.cache_dir= --backend native)
for tree in . ${1:+"$1"}; do
  out=$(mktemp -d)
  echo "== $(cd "$tree" && git log -1 --format='%h %s' | cut -c1-60)"
  (cd "$tree" && ./bin/memrec "${args[@]}" --set output.dir="$out") > /dev/null
  grep -h "evaluating \(valid\|test\): .* users in" "$out"/*/log.txt | sed 's/^/   /'
  rm -rf "$out"
done
