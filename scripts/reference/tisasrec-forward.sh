#!/usr/bin/env bash
# memrec's tisasrec forward pass against the PyTorch port of TiSASRec (pmixer/TiSASRec.pytorch) with the same
# weights (scripts/reference/tisasrec-forward.ts and tisasrec_forward.py). Needs /usr/bin/python3 with torch
# (Debian's python3-torch) and a checkout of the port:
#   scripts/reference/tisasrec-forward.sh PATH/TO/TiSASRec.pytorch
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# = 1 ] || { echo "usage: $0 PATH/TO/TiSASRec.pytorch (a checkout of pmixer/TiSASRec.pytorch)" >&2; exit 2; }
[ -f "$1/model.py" ] || { echo "$0: $1/model.py not found: give a checkout of pmixer/TiSASRec.pytorch" >&2; exit 2; }
[ -f dist/scripts/reference/tisasrec-forward.js ] || make build >/dev/null
node dist/scripts/reference/tisasrec-forward.js "$(cd "$1" && pwd)"
