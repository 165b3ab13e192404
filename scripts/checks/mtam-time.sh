#!/usr/bin/env bash
# Time must matter (issue 15, deliverable 5; issue 19's time-aware baselines), on a larger set than
# test/models/time-effect.test.ts: synthetic users with two interests (the only two clusters, 20 items each) in
# sessions of 3 interactions on average, minutes apart, days between sessions. With gap_switch=1
# (switch_delay=1) the interaction after a session's first one moves to the other cluster, so only the gap
# before the last history item tells whether the test item stays or moves; with gap_switch=0 the gaps tell
# nothing. Each model trains on each under MTAM's protocol (leave-one-out, seen items kept in the ranking,
# HR@10 and NDCG@10); prints a Markdown table with paired t-tests over test users of each time-aware model
# against its time-blind counterpart: T-GRU, MTAM and T-SeqRec against GRU4Rec, TiSASRec against SASRec, NARM+
# and NARM++ against NARM (docs/checks.md quotes it). About 5 min a model on two cores.
#   scripts/checks/mtam-time.sh
# Environment: USERS (default 2000), EPOCHS (time models, default 5; GRU4Rec's and the self-attention models'
# epoch is one pass over the sequences, not over every prefix, so they get 6x as many), BACKEND (default
# auto), SEED (default 42), MODELS (default "gru4rec tgru mtam tseqrec sasrec tisasrec narm narm+ narm++";
# narm-dot, NARM with model.attention dot, NARM+'s exact time-blind counterpart, is also allowed; a model's
# counterpart must be in the list for its p-values).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/checks/mtam-time.js ] || make build >/dev/null
EPOCHS=${EPOCHS:-5}
data=(--set "data.synthetic.num_users=${USERS:-2000}" --set data.synthetic.num_items=40 --set data.synthetic.num_clusters=2
  --set data.synthetic.num_categories=2 --set data.synthetic.interests_per_user=2 --set data.synthetic.min_length=10
  --set data.synthetic.max_length=20 --set data.synthetic.transition_strength=0 --set data.synthetic.repeat_strength=0
  --set data.synthetic.drift_rate=0 --set data.synthetic.session_length=3 --set data.synthetic.switch_delay=1
  --set eval.exclude_history=false --set "eval.metrics=[hr,ndcg]" --set "eval.cutoffs=[10]" --set train.eval_every=0
  --set train.lr=0.01 --set "seed=${SEED:-42}")
runs=()
for effect in 1 0; do
  for model in ${MODELS:-gru4rec tgru mtam tseqrec sasrec tisasrec narm narm+ narm++}; do
    narm=(--set model.dim=32 --set model.embedding_dim=32 --set model.max_length=10 --set model.dropout_embedding=0
      --set model.dropout_context=0 --set "train.epochs=$EPOCHS" --set train.batch_size=64)
    case "$model" in
      gru4rec) args=(--set model.dim=32 --set model.embedding_dim=32 --set model.max_length=10 --set train.loss=full_softmax
               --set "train.epochs=$((6 * EPOCHS))" --set train.batch_size=128) ;;
      tgru) args=(--set model.dim=32 --set model.max_length=10 --set model.dropout=0 --set "train.epochs=$EPOCHS" --set train.batch_size=64) ;;
      mtam) args=(--set model.dim=32 --set model.max_length=10 --set model.dropout=0 --set model.hops=1 --set "train.epochs=$EPOCHS" --set train.batch_size=64) ;;
      tseqrec) args=(--set model.dim=32 --set model.max_length=10 --set model.dropout=0 --set "train.epochs=$EPOCHS" --set train.batch_size=64) ;;
      sasrec|tisasrec) args=(--set model.dim=32 --set model.max_length=10 --set model.dropout=0 --set train.loss=full_softmax
               --set "train.epochs=$((6 * EPOCHS))" --set train.batch_size=128) ;;
      narm) args=("${narm[@]}") ;;
      narm-dot) args=("${narm[@]}" --set model.attention=dot) ;;
      narm+) args=("${narm[@]}" --set model.attention=time_aware) ;;
      narm++) args=("${narm[@]}" --set model.attention=time_aware --set model.unit=tgru) ;;
      *) echo "unknown model $model (allowed: gru4rec tgru mtam tseqrec sasrec tisasrec narm narm-dot narm+ narm++)" >&2; exit 2 ;;
    esac
    out="results/checks/mtam-time/switch$effect/$model"
    ./bin/memrec train --backend "${BACKEND:-auto}" "${data[@]}" --set "data.synthetic.gap_switch=$effect" \
      --set "model.name=${model%%[+-]*}" "${args[@]}" --set "output.dir=$out" --quiet > /dev/null
    runs+=("$effect:$model:$(ls -d "$out"/*/ | tail -n 1)")
  done
done
node dist/scripts/checks/mtam-time.js "${runs[@]}"
