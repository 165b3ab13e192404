#!/usr/bin/env bash
# memrec's shan forward pass against an independent PyTorch one (scripts/reference/shan_forward.py) with the same
# weights, every item's score of 30 users to 1e-5 (scripts/reference/shan-sdm-forward.ts). Needs /usr/bin/python3
# with torch (Debian's python3-torch), or PYTHON naming another python with torch. A few seconds.
#   scripts/reference/shan-forward.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/reference/shan-sdm-forward.js ] || make build >/dev/null
node dist/scripts/reference/shan-sdm-forward.js shan
