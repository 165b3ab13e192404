#!/usr/bin/env bash
# SASRec on the SASRec paper's Amazon Games data under its protocol (leave-one-out, 100 uniformly sampled
# negatives; max length 50, dim 50, 2 blocks, 1 head, dropout 0.5, Adam lr 0.001, batch 128), with the test
# metrics logged every EVERY epochs (train.track_test) to compare with the public PyTorch implementation's
# curve measured on this machine: test HR@10 / NDCG@10 0.678 / 0.451 at epoch 20, 0.701 / 0.483 at 40,
# 0.714 / 0.502 at 60, 0.720 / 0.509 at 80, 37 s of training per epoch. Long: a reference check, not a test.
#
#   scripts/checks/sasrec-games-curve.sh
# Environment: DATA (default ../shared/datasets), EPOCHS (default 80), EVERY (default 20), BACKEND (default
# native), IMPLEMENTATION (model.implementation: authors_tf, the default, or pytorch_port to follow the
# PyTorch port's network). Writes results/checks/games-sasrec-curve/<run>/ and prints the curve beside the
# reference.
set -euo pipefail
cd "$(dirname "$0")/../.."
make build >/dev/null
DATA=${DATA:-../shared/datasets}
EPOCHS=${EPOCHS:-80}
EVERY=${EVERY:-20}
out=results/checks/games-sasrec-curve
started=$(date +%s)
./bin/memrec train --config configs/checks/sasrec.yaml --backend "${BACKEND:-native}" \
  --set data.source=sasrec --set "data.sasrec.path=$DATA/sasrec-amazon/Video.txt" \
  --set "train.epochs=$EPOCHS" --set "train.eval_every=$EVERY" --set train.track_test=true \
  --set "model.implementation=${IMPLEMENTATION:-authors_tf}" --set "output.dir=$out"
wall=$(( $(date +%s) - started ))
run=$(ls -d "$out"/*/ | tail -n 1)
echo
echo "run $run, backend ${BACKEND:-native}, ${IMPLEMENTATION:-authors_tf}, $EPOCHS epochs, ${wall} s wall time in all"
echo "| epoch | memrec HR@10 | memrec NDCG@10 | PyTorch HR@10 | PyTorch NDCG@10 | training s/epoch |"
echo "|---|---|---|---|---|---|"
awk -F'[ ,;]+' '
  BEGIN { ref[20] = "0.678 | 0.451"; ref[40] = "0.701 | 0.483"; ref[60] = "0.714 | 0.502"; ref[80] = "0.720 | 0.509" }
  /^epoch [0-9]+\/[0-9]+: / {
    split($2, e, "/"); seconds += $5
    if ($0 ~ /; test /) {
      for (i = 1; i <= NF; i++) { if ($i == "hr@10") hr = $(i + 1); if ($i == "ndcg@10") ndcg = $(i + 1) }
      r = (e[1] in ref) ? ref[e[1]] : "– | –"
      printf "| %d | %s | %s | %s | %.1f |\n", e[1], hr, ndcg, r, seconds / e[1]
    }
  }' "$run/log.txt"
