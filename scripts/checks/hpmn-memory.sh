#!/usr/bin/env bash
# Does HPMN's memory beat SASRec* where the next item depends on behaviours long gone? DMAN's check
# (scripts/checks/dman-memory.sh, docs/dman.md) with HPMN in DMAN's place: users of 40-50 interactions where 70%
# of the next items re-consume an item at least 30 steps back, then the effect off; the same settings (D 64,
# dropout 0.2, Adam 0.005, batch 64, 5 negatives, best validation epoch, patience 3), the same SASRec*
# (SASRec on each user's latest T = 10 training items, scoring from the last 10). HPMN: 4 layers (periods 1, 2,
# 4, 8), training windows of T = 10, the whole history streamed. Prints test NDCG@10 and HR@10 and the paired
# t-tests of HPMN against SASRec* (docs/hpmn.md has the figures).
#   nice -n 10 scripts/checks/hpmn-memory.sh [OUT_DIR]     (default results/checks/hpmn-memory)
# Environment: as dman-memory.sh (USERS, EPOCHS default 20 here, SEEDS).
set -euo pipefail
MODELS="hpmn sasrec_star" EPOCHS=${EPOCHS:-20} exec "$(dirname "$0")/dman-memory.sh" "${1:-results/checks/hpmn-memory}"
