#!/usr/bin/env bash
# memrec data stats on every real file in ../shared/datasets (or DATA), with the preset or loader that fits
# it; prints one section per file in Markdown (docs/data-checks.md is this script's output). Seconds each.
#   scripts/checks/dataset-stats.sh > docs/data-checks.md
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-../shared/datasets}
stats() {
  local title=$1; shift
  echo "## $title"
  echo
  echo '```'
  echo "memrec data stats $*" | sed "s|$DATA|\$DATA|g"
  ./bin/memrec data stats --quiet --set data.cache_dir= "$@" 2>&1 | sed "s|$DATA|\$DATA|g"
  echo '```'
  echo
}
echo "# Statistics of the real files, as memrec loads them"
echo
echo "Made by \`scripts/checks/dataset-stats.sh\` on $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD); \`\$DATA\` is \`../shared/datasets\`."
echo "Malformed lines, when a file has any, are listed inside each block (they go to stderr)."
echo
stats "MovieLens-100K u.data with u.item genres" --set data.source=movielens --set "data.movielens.path=$DATA/movielens-100k/u.data" --set "data.movielens.movies_path=$DATA/movielens-100k/u.item"
stats "ML-1M half (users 1-2,999) with the DMAN preset" --preset dman/movielens --path "$DATA/movielens-1m/ratings.dat.gz" --set "data.movielens.movies_path=$DATA/movielens-1m/movies.dat"
stats "Taobao UserBehavior sample with the DMAN preset" --preset dman/taobao --path "$DATA/taobao-userbehavior/UserBehavior.csv"
stats "Ali Mobile sample with the MTAM preset" --preset mtam/ali-mobile --path "$DATA/tianchi-mobile/tianchi_mobile_recommend_train_user.csv"
stats "Yoochoose (session-rec's prepared 100k sample, train part)" --set data.source=yoochoose --set "data.yoochoose.path=$DATA/yoochoose/yoochoose-clicks-100k_train_full.txt"
stats "Diginetica sample (generic delimited loader; sessions as users)" --set data.source=delimited --set "data.delimited.path=$DATA/diginetica/sample_train-item-views.csv" \
  --set 'data.delimited.separator=;' --set data.delimited.header=true --set data.delimited.user_column=0 --set data.delimited.item_column=2 \
  --set data.delimited.time_column=4 --set data.delimited.time_format=date
stats "SASRec's Amazon Games (Video.txt)" --set data.source=sasrec --set "data.sasrec.path=$DATA/sasrec-amazon/Video.txt"
stats "BERT4Rec's Amazon Beauty" --set data.source=sasrec --set "data.sasrec.path=$DATA/bert4rec-amazon/beauty.txt"
for f in Beauty Sports_and_Outdoors Toys_and_Games Yelp LastFM; do
  stats "S3-Rec $f" --set data.source=s3rec --set "data.s3rec.path=$DATA/s3rec/$f.txt"
done
stats "Amazon 2014 5-core Musical Instruments with RUM's protocol (a different filtering than RUM's Table 1)" --preset rum/musical-instruments-5core --path "$DATA/amazon-2014-5core/reviews_Musical_Instruments_5.json.gz"
for f in All_Beauty_5.json.gz Appliances_5.json.gz AMAZON_FASHION_5.json; do
  stats "Amazon 2018 5-core ${f%%.*} (duplicates dropped)" --set data.source=amazon --set "data.amazon.path=$DATA/amazon-2018-5core/$f" --set 'data.preprocess=["dedupe"]'
done
stats "Amazon 2018 5-core Gift_Cards with its metadata (categories)" --set data.source=amazon --set "data.amazon.path=$DATA/amazon-2018-5core/Gift_Cards_5.json.gz" \
  --set "data.amazon.meta_path=$DATA/amazon-2018-meta/meta_Gift_Cards.json.gz" --set 'data.preprocess=["dedupe"]'
