#!/usr/bin/env bash
# RUM's Figure 4 on the 2014 5-core Musical Instruments reviews: trains item-level RUM with K = 5 memory slots
# (the RUM table's settings otherwise: Adam lr 0.01, batches of 32, 30 epochs) into results/checks/rum-attention/,
# or takes the finished rum_item run folder RUN, then writes figure4.csv and figure4.svg (attention heat maps
# of USERS sampled users) into that run folder and prints the mean weight by lag over all users. A minute.
#   scripts/checks/rum-attention.sh
# Environment: DATA (default ../shared/datasets), EPOCHS (default 30), USERS (default 5), RUN.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/checks/rum-attention.js ] || make build >/dev/null
DATA=${DATA:-../shared/datasets}
if [ -z "${RUN:-}" ]; then
  out=results/checks/rum-attention
  ./bin/memrec train --preset rum/musical-instruments-5core --path "$DATA/amazon-2014-5core/reviews_Musical_Instruments_5.json.gz" \
    --set model.name=rum_item --set model.memory_slots=5 --set "train.epochs=${EPOCHS:-30}" \
    --set train.lr=0.01 --set train.batch_size=32 --set "output.dir=$out" --quiet > /dev/null
  RUN=$(ls -d "$out"/*/ | tail -n 1)
fi
node dist/scripts/checks/rum-attention.js "$RUN" --users "${USERS:-5}"
