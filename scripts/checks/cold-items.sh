#!/usr/bin/env bash
# DeepFM and Wide & Deep against BPR-MF on cold items (items with few training interactions) of synthetic data
# whose item text carries the clusters, MARS's 30/35/35 random split, p-values of paired tests over test users
# (scripts/checks/cold-items.ts says how cold items and users are chosen). A few minutes of CPU at the default 2 seeds.
#   scripts/checks/cold-items.sh [--seeds N] [--epochs N] [--max-count N]
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/checks/cold-items.js ] || make build >/dev/null
node dist/scripts/checks/cold-items.js "$@"
