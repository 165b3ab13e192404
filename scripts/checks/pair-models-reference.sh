#!/usr/bin/env bash
# NCF, DeepFM and Wide & Deep against independent PyTorch forward passes (issue 21): memrec trains each (with and
# without pre-training, item id, hashing) two epochs on random data with item text and writes its weights and
# every user's score of every item; scripts/reference/{ncf,deepfm,wide_deep}_forward.py rebuild each network
# from the papers' equations in float64 and check every score to 1e-5. Needs /usr/bin/python3 with torch
# (Debian python3-torch), or PYTHON naming another python with torch. A few seconds.
#   scripts/checks/pair-models-reference.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/reference/pair-models-dump.js ] || make build >/dev/null
dump=$(mktemp --suffix .json)
trap 'rm -f "$dump"' EXIT
node dist/scripts/reference/pair-models-dump.js "$dump" 2>/dev/null
status=0
for model in ncf deepfm wide_deep; do
  "${PYTHON:-/usr/bin/python3}" "scripts/reference/${model}_forward.py" "$dump" || status=1
done
exit $status
