#!/usr/bin/env bash
# RUM's Figure 3 on the 2014 5-core Musical Instruments reviews: test F1@5 of RUM-I and RUM-F for alpha = 0,
# 0.1, ..., 1 (22 memrec train runs through one resumable memrec sweep, the RUM table's settings: Adam lr 0.01,
# batches of 32, 30 epochs). Writes results/checks/rum-alpha/ (the sweep, figure3.csv, figure3.svg) and prints
# the F1@5 table in Markdown. A few minutes.
#   scripts/checks/rum-alpha.sh
# Environment: DATA (default ../shared/datasets), EPOCHS (default 30), JOBS (trials at once, default 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/checks/rum-alpha.js ] || make build >/dev/null
DATA=${DATA:-../shared/datasets}
node dist/scripts/checks/rum-alpha.js --data "$DATA/amazon-2014-5core/reviews_Musical_Instruments_5.json.gz" \
  --epochs "${EPOCHS:-30}" --jobs "${JOBS:-1}"
