#!/usr/bin/env bash
# GRU4Rec trained with the official BPR-max loss (train.loss=bpr_max, model.bpreg 1) beside the same run with
# plain BPR, on the default synthetic data (1,000 users, 800 items), leave-one-out, full ranking, equal epochs
# and negatives. Prints both test tables. Minutes on two cores.
#   scripts/checks/gru4rec-bpr-max.sh [EPOCHS] [NEGATIVES]
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-10}
negatives=${2:-32}
out=$(mktemp -d)
for loss in bpr bpr_max; do
  echo "== gru4rec, train.loss=$loss, $epochs epochs, $negatives negatives"
  ./bin/memrec train --set model.name=gru4rec --set train.loss="$loss" --set train.epochs="$epochs" \
    --set train.num_negatives="$negatives" --set train.eval_every=0 --set output.dir="$out" --set output.name="$loss" \
    --set eval.metrics='[hr,ndcg,mrr]' --set eval.cutoffs='[10,20]' --quiet | sed -n '/: test/,$p'
done
rm -rf "$out"
