#!/usr/bin/env bash
# NARM (additive, dot and time-aware local encoders; GRU and T-GRU: NARM, NARM+, NARM++) and STAMP against an
# independent PyTorch forward pass (issue 19): memrec writes its weights, a padded batch with times and its
# scores; scripts/reference/narm_stamp.py rebuilds each network in float64 as RecBole lays it out and checks
# every score to 1e-5. Needs /usr/bin/python3 with torch (Debian python3-torch), or PYTHON naming another
# python with torch. A few seconds.
#   scripts/checks/narm-stamp-reference.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/reference/narm-stamp-dump.js ] || make build >/dev/null
dump=$(mktemp --suffix .json)
trap 'rm -f "$dump"' EXIT
node dist/scripts/reference/narm-stamp-dump.js "$dump" 2>/dev/null
"${PYTHON:-/usr/bin/python3}" scripts/reference/narm_stamp.py "$dump"
