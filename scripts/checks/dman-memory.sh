#!/usr/bin/env bash
# Does DMAN's memory matter where the next item depends on something seen windows earlier? Synthetic users of
# 40-50 interactions where 70% of the next items (data.synthetic.repeat_strength 0.7) re-consume an item at least
# repeat_lag = 30 steps back, three windows of T = 10: a small pool of old items that DMAN's memory abstracts,
# beyond what DMAN-XL (memory none: this window and the previous one, 20 items) and SASRec* (SASRec on the last
# T = 10 items, model.max_length = window) can see. Trained with DMAN, DMAN-FIFO, DMAN-XL and SASRec*, then
# the same with the effect off (repeat_strength 0). Every run keeps its best validation epoch (NDCG@10 on the
# second-last item, patience 3, at most 30 epochs); nothing is chosen on test. Dropout 0.2 everywhere: SASRec's
# default, and DMAN's model.dropout, which the paper does not name (without it every DMAN variant overfits here
# within a few epochs). Prints test NDCG@10 and HR@10 per model and the paired t-test of DMAN against each
# (memrec compare, over test users), per setting.
#   scripts/checks/dman-memory.sh [OUT_DIR]       (default results/checks/dman-memory; ~20 min on 2 busy cores)
# Environment: USERS (default 800), EPOCHS (default 30), SEEDS (default "42"), MODELS (default "dman dman_fifo
# dman_xl sasrec_star"; also hpmn: the first is tested against each other, see scripts/checks/hpmn-memory.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/.built ] || make build >/dev/null
out=${1:-results/checks/dman-memory}
mkdir -p "$out"
USERS=${USERS:-800}
EPOCHS=${EPOCHS:-30}
SEEDS=${SEEDS:-42}
read -r -a MODELS <<< "${MODELS:-dman dman_fifo dman_xl sasrec_star}"
T=10
common=(--set data.synthetic.num_users="$USERS" --set data.synthetic.min_length=40 --set data.synthetic.max_length=50
  --set data.synthetic.transition_strength=0.2 --set data.synthetic.repeat_lag=30
  --set model.dim=64 --set model.dropout=0.2 --set train.epochs="$EPOCHS" --set train.lr=0.005 --set train.batch_size=64
  --set train.num_negatives=5 --set train.eval_every=1 --set train.patience=3 --set eval.cutoffs=[10] --set eval.metrics=[ndcg,hr])
declare -A models=(
  [dman]="--set model.name=dman --set model.window=$T"
  [dman_fifo]="--set model.name=dman --set model.window=$T --set model.memory=fifo"
  [dman_xl]="--set model.name=dman --set model.window=$T --set model.memory=none"
  [sasrec_star]="--set model.name=sasrec --set model.max_length=$T --set model.num_blocks=2"
  [hpmn]="--set model.name=hpmn --set model.window=$T --set model.num_layers=4"
)
metric() { node -e "const m=require(process.argv[1]);console.log(m.results.test.means[process.argv[2]].toFixed(4))" "$(realpath "$1/metrics.json")" "$2"; }
for seed in $SEEDS; do
  for strength in 0.7 0; do
    setting="repeat_strength=$strength seed=$seed"
    echo "== $setting (repeat_lag 30, window $T)"
    for name in "${MODELS[@]}"; do
      runs="$out/s$strength-seed$seed/$name"
      if ! ls "$runs"/*/metrics.json > /dev/null 2>&1; then
        # shellcheck disable=SC2086
        ./bin/memrec train "${common[@]}" --set seed="$seed" --set data.synthetic.repeat_strength="$strength" ${models[$name]} \
          --set output.dir="$runs" --quiet > /dev/null
      fi
      dir=$(dirname "$(ls "$runs"/*/metrics.json | head -1)")
      declare "run_$name=$dir"
      echo "$name: NDCG@10 $(metric "$dir" ndcg@10)  HR@10 $(metric "$dir" hr@10)"
    done
    first=run_${MODELS[0]}
    for other in "${MODELS[@]:1}"; do
      ref=run_$other
      for m in ndcg@10 hr@10; do
        p=$(./bin/memrec compare --metric "$m" "${!first}" "${!ref}" | grep 'paired t-test' | sed 's/.*paired t-test: //')
        echo "${MODELS[0]} vs $other ($m): $p"
      done
    done
  done
done
