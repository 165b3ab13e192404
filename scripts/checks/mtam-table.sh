#!/usr/bin/env bash
# MTAM's protocol (issues 15 and 19) on the data at hand: the mtam/ml-1m, ml-100k, taobao, yoochoose-sample and
# diginetica presets, with the 13 baselines of MTAM's Table 2 (TopPop, P-Pop, BPR-MF, GRU−− = GRU4Rec, GRU =
# GRU4Rec with categories, T-SeqRec, T-GRU, SASRec, TiSASRec, NARM, NARM+, NARM++, STAMP), MTAM and MTAM with
# dot-product attention, SEEDS seeds each, under a reduced budget fixed beforehand (2 shared cores): every
# reduction is in BUDGET and DATA_CUT below and in docs/mtam-table.md. Nothing is tuned: each run keeps its
# best validation epoch (early stopping on the second-last item), the test item is read once. Runs are
# resumable (a run folder with metrics.json is kept). Then prints the Markdown tables and paired t-tests
# (docs/mtam-table.md is its output).
#   scripts/checks/mtam-table.sh [ml-1m ml-100k taobao yoochoose-sample diginetica]
# Environment: DATA (default ../shared/datasets), SEEDS (default "1 2 3"), EPOCHS (default 4: the prefix models
# T-GRU, T-SeqRec, NARM, NARM+, NARM++, STAMP and MTAM), SEQ_EPOCHS (default 30: BPR-MF, GRU4Rec with and without
# categories, SASRec and TiSASRec, whose epochs cost seconds here), JOBS
# (runs at once, default 2), BACKEND (default native).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f dist/scripts/checks/mtam-table.js ] || make build >/dev/null
DATA=$(cd "${DATA:-../shared/datasets}" && pwd)
SEEDS=${SEEDS:-"1 2 3"}
EPOCHS=${EPOCHS:-4}
SEQ_EPOCHS=${SEQ_EPOCHS:-30}
datasets=("$@")
[ ${#datasets[@]} -eq 0 ] && datasets=(ml-1m ml-100k taobao yoochoose-sample diginetica)
# The budget, the same for every neural model: d 32, the last 20 behaviours, batches of 128, lr 0.01 (a few
# hundred steps at most). Epochs: the prefix models train on every prefix (a few thousand examples an epoch, about
# 15 s each here), the others on one sequence per user or on interactions (a second an epoch): EPOCHS for the
# first, SEQ_EPOCHS for the others, so that each gets a few hundred steps; every run keeps its best validation
# epoch.
NEURAL=(--set model.dim=32 --set model.max_length=20 --set train.batch_size=128 --set train.lr=0.01)
data_args() {
  case "$1" in
    ml-1m) echo "--preset mtam/ml-1m --path $DATA/movielens-1m/ratings.dat.gz --set data.movielens.movies_path=$DATA/movielens-1m/movies.dat" \
      "--set 'data.preprocess=[implicit, min_count users=10 items=30, keep_users fraction=0.1, recent n=12]'" ;;
    ml-100k) echo "--preset mtam/ml-100k --path $DATA/movielens-100k/u.data --set data.movielens.movies_path=$DATA/movielens-100k/u.item" \
      "--set 'data.preprocess=[implicit, min_count users=10 items=30, keep_users fraction=0.3, recent n=12]'" ;;
    taobao) echo "--preset mtam/taobao --path $DATA/taobao-userbehavior/UserBehavior.csv" \
      "--set 'data.preprocess=[implicit, min_count items=5, min_count users=5, recent n=10]'" ;;
    yoochoose-sample) echo "--preset mtam/yoochoose-sample --path $DATA/yoochoose/yoochoose-clicks-100k_train_full.txt" \
      "--set 'data.preprocess=[min_count items=5, min_count users=5, keep_users fraction=0.15, recent n=12]'" ;;
    diginetica) echo "--preset mtam/diginetica --path $DATA/diginetica/sample_train-item-views.csv" ;;
    *) echo "unknown dataset $1" >&2; exit 2 ;;
  esac
}
# label, memrec model, its settings
MODELS=("toppop mostpop" "ppop ppop" "bpr bpr --set model.dim=32 --set train.lr=0.01 --set train.batch_size=128 --set train.epochs=$SEQ_EPOCHS"
  "gru4rec gru4rec ${NEURAL[*]} --set model.embedding_dim=32 --set train.epochs=$SEQ_EPOCHS" "sasrec sasrec ${NEURAL[*]} --set train.epochs=$SEQ_EPOCHS"
  "tgru tgru ${NEURAL[*]} --set train.epochs=$EPOCHS" "mtam mtam ${NEURAL[*]} --set model.hops=4 --set train.epochs=$EPOCHS"
  "mtam_dot mtam ${NEURAL[*]} --set model.hops=4 --set model.attention=dot --set train.epochs=$EPOCHS"
  "gru_cat gru4rec ${NEURAL[*]} --set model.embedding_dim=32 --set model.category=concat --set train.epochs=$SEQ_EPOCHS"
  "tseqrec tseqrec ${NEURAL[*]} --set train.epochs=$EPOCHS" "tisasrec tisasrec ${NEURAL[*]} --set train.epochs=$SEQ_EPOCHS"
  "narm narm ${NEURAL[*]} --set model.embedding_dim=32 --set train.epochs=$EPOCHS"
  "narm_plus narm ${NEURAL[*]} --set model.embedding_dim=32 --set model.attention=time_aware --set train.epochs=$EPOCHS"
  "narm_pp narm ${NEURAL[*]} --set model.embedding_dim=32 --set model.attention=time_aware --set model.unit=tgru --set train.epochs=$EPOCHS"
  "stamp stamp ${NEURAL[*]} --set train.epochs=$EPOCHS")
# one command line per run, seed by seed (a cut-short session still has whole seeds), run JOBS at a time
commands=()
for seed in $SEEDS; do
  for dataset in "${datasets[@]}"; do
    for spec in "${MODELS[@]}"; do
      read -r label model rest <<< "$spec"
      out="results/checks/mtam-$dataset/$label/seed$seed"
      ls "$out"/*/metrics.json > /dev/null 2>&1 && continue
      commands+=("./bin/memrec train $(data_args "$dataset") --backend ${BACKEND:-native} --set seed=$seed --set model.name=$model $rest --set output.dir=$out --quiet > /dev/null")
    done
  done
done
[ ${#commands[@]} -eq 0 ] || printf '%s\0' "${commands[@]}" | xargs -0 -P "${JOBS:-2}" -I{} bash -c '{}'
for dataset in "${datasets[@]}"; do node dist/scripts/checks/mtam-table.js "$dataset" "results/checks/mtam-$dataset"; done
