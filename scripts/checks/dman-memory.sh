#!/usr/bin/env bash
# Does DMAN's memory matter where the next item depends on something seen windows earlier? Synthetic home
# returns (data.synthetic.home_gap): each user has a home cluster, a kind of cluster that is never anyone's
# interest; its items open the sequence (home_length 10, the whole first window), and every 22nd interaction
# counted back from the last one is a return home: a cue item shared by all users, then an item of the home
# cluster. The cue says when, only the opening and earlier returns say where. With T = 10, the previous return
# lies 22 steps back: out of DMAN-XL's sight (this window and the previous one, 10 to 20 items) and SASRec*'s
# (SASRec on the last T = 10 items, model.max_length = window), within DMAN's memory. The last interaction
# (the test target) is always a return; the validation target is the cue, which says nothing about memory, so
# every model trains a fixed number of epochs (no validation, nothing chosen on test). Then the same without
# home returns (home_gap 0): there DMAN should not lose beyond noise. Test: leave-one-out, full ranking with
# the history excluded but the target kept (a return is often to an item of the opening). Prints test
# NDCG@10 and HR@10 per model and the paired t-test of DMAN against each (memrec compare, over test users).
#   scripts/checks/dman-memory.sh [OUT_DIR]   (default results/checks/dman-memory; ~25 min a setting on 2 idle cores)
# Environment: USERS (default 2000), EPOCHS (default 10), SEEDS (default "42"), MODELS (default "dman dman_xl
# sasrec_star"; also dman_fifo, and hpmn: issue 20's memory baseline, its periodic memory of 4 layers),
# STREAM_ORDER (default shuffled: the lane schedule docs/dman.md's figures were measured with, before
# train.stream_order's default became longest_first; with 100-120 interactions a user the lanes end close together either way).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/.built ] || make build >/dev/null
out=${1:-results/checks/dman-memory}
mkdir -p "$out"
USERS=${USERS:-2000}
EPOCHS=${EPOCHS:-10}
SEEDS=${SEEDS:-42}
MODELS=${MODELS:-dman dman_xl sasrec_star}
STREAM_ORDER=${STREAM_ORDER:-shuffled}
T=10
common=(--set data.synthetic.num_users="$USERS" --set data.synthetic.num_items=400 --set data.synthetic.num_clusters=20
  --set data.synthetic.min_length=100 --set data.synthetic.max_length=120 --set data.synthetic.repeat_strength=0
  --set model.dim=32 --set train.epochs="$EPOCHS" --set train.lr=0.005 --set train.batch_size=64 --set train.num_negatives=5
  --set train.eval_every=0 --set eval.cutoffs=[10] --set eval.metrics=[ndcg,hr] --set eval.keep_targets=true
  --set train.stream_order="$STREAM_ORDER")
declare -A models=(
  [dman]="--set model.name=dman --set model.window=$T"
  [dman_fifo]="--set model.name=dman --set model.window=$T --set model.memory=fifo"
  [dman_xl]="--set model.name=dman --set model.window=$T --set model.memory=none"
  [sasrec_star]="--set model.name=sasrec --set model.max_length=$T --set train.latest_window=$T"
  [hpmn]="--set model.name=hpmn --set model.window=$T"
)
metric() { node -e "const m=require(process.argv[1]);console.log(m.results.test.means[process.argv[2]].toFixed(4))" "$(realpath "$1/metrics.json")" "$2"; }
for seed in $SEEDS; do
  for gap in 22 0; do
    setting="home_gap=$gap seed=$seed"
    echo "== $setting (window $T)"
    for name in $MODELS; do
      runs="$out/gap$gap-seed$seed/$name"
      if ! ls "$runs"/*/metrics.json > /dev/null 2>&1; then
        # shellcheck disable=SC2086
        ./bin/memrec train "${common[@]}" --set seed="$seed" --set data.synthetic.home_gap="$gap" ${models[$name]} \
          --set output.dir="$runs" --quiet > /dev/null
      fi
      dir=$(dirname "$(ls "$runs"/*/metrics.json | head -1)")
      declare "run_$name=$dir"
      echo "$name: NDCG@10 $(metric "$dir" ndcg@10)  HR@10 $(metric "$dir" hr@10)"
    done
    for other in $MODELS; do
      [ "$other" = dman ] && continue
      ref=run_$other
      for m in ndcg@10 hr@10; do
        p=$(./bin/memrec compare --metric "$m" "$run_dman" "${!ref}" | grep 'paired t-test' | sed 's/.*paired t-test: //')
        echo "dman vs $other ($m): $p"
      done
    done
  done
done
