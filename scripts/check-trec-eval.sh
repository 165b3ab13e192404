#!/usr/bin/env bash
# Reference check for `memrec eval --rankings`: generates random TREC runs and qrels (fixed seeds), scores
# each with memrec and with the independent Python reference (scripts/reference/trec_reference.py), and
# fails if any metric mean differs by more than 1e-9. Also checks that both reject the same malformed files.
# Needs python3 and a build (`npx tsc -p tsconfig.json`). Not part of the test suite.
#
# Usage: scripts/check-trec-eval.sh [SEEDS]   (default 20 seeds)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
memrec="$root/bin/memrec"
reference="$root/scripts/reference/trec_reference.py"
seeds="${1:-20}"
tolerance=1e-9
metrics="map_rel@3,map_rel@20,precision@1,precision@3,precision@10,recall@1,recall@5,recall@20,f1@1,f1@5,f1@20,hr@1,hr@5,hr@10,ndcg@1,ndcg@3,ndcg@10,ndcg@50,map@1,map@5,map@10,map@50,mrr@1,mrr@5,mrr@20"

if [[ ! -f "$root/dist/src/cli/main.js" ]]; then
  echo "check-trec-eval: not built; run npx tsc -p tsconfig.json first" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes run.trec and test.qrels for one seed into the folder given.
generate() {
  python3 - "$1" "$2" <<'PY'
import random, sys

seed, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(seed)
# ids beyond ASCII, always tied, check the tie-break's code point order (U+FF21 < U+1F600, unlike in UTF-16)
unicode_ids = ['\uff21', '\U0001f600', '\u00e9']
items = [f'i{n}' for n in range(rng.randint(8, 60))] + unicode_ids
users = [f'u{n}' for n in range(rng.randint(5, 80))]
qrels, run = [], []
for user in users:
    judged = rng.sample(items, rng.randint(1, min(12, len(items))))
    for item in judged:
        # relevance 0 and negative rows are judged but not relevant; some users end up with none relevant
        qrels.append(f'{user} 0 {item} {rng.choice([1, 1, 2, 3, 0, 0, -1])}')
    if rng.random() < 0.15:
        continue  # a judged user without a ranking
    length = rng.choice([0, 1, 2, 3, rng.randint(1, len(items))])  # short lists, often below the cut-off
    ranked = rng.sample(items, length)
    pool = [1.0, 0.5, 0.1 + 0.2, 0.3, -2.5, 1e-7, 3e10]  # repeated values make ties; 0.1+0.2 != 0.3
    for rank, item in enumerate(ranked, start=1):
        score = 1.0 if item in unicode_ids else rng.choice(pool) if rng.random() < 0.4 else rng.uniform(-5, 5)
        run.append(f'{user}\tQ0 {item} {rank} {score!r}  tag')
for n in range(rng.randint(0, 5)):  # users only in the run: ignored
    for rank, item in enumerate(rng.sample(items, 3), start=1):
        run.append(f'extra{n} Q0 {item} {rank} {rng.random()!r} tag')
rng.shuffle(run)  # a user's lines need not be together or in rank order
rng.shuffle(qrels)
with open(f'{out}/run.trec', 'w', encoding='utf-8') as f:
    f.write('\n'.join(run) + '\n\n')
with open(f'{out}/test.qrels', 'w', encoding='utf-8') as f:
    f.write('\n'.join(qrels) + '\n')
PY
}

# Prints the largest |difference| between two JSON objects of means; exits 1 if the keys differ.
max_difference() {
  python3 - "$1" "$2" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
if a.keys() != b.keys():
    sys.exit(f'metric names differ: {sorted(a)} vs {sorted(b)}')
worst = max(abs(a[k] - b[k]) for k in a)
key = max(a, key=lambda k: abs(a[k] - b[k]))
print(f'{worst:.3e} {key}')
PY
}

overall=0
for ((seed = 1; seed <= seeds; seed++)); do
  dir="$work/$seed"
  mkdir -p "$dir"
  generate "$seed" "$dir"
  ours="$("$memrec" eval --rankings "$dir/run.trec" --truth "$dir/test.qrels" --metrics "$metrics" --json)"
  theirs="$(python3 "$reference" "$dir/run.trec" "$dir/test.qrels" "$metrics")"
  read -r worst key <<<"$(max_difference "$ours" "$theirs")"
  printf 'seed %2d: max |memrec - reference| = %s (%s)\n' "$seed" "$worst" "$key"
  overall="$(python3 -c "print(max($overall, $worst))")"
done

# Malformed inputs: both must exit with code 2.
printf 'u1 0 a 1\n' >"$work/good.qrels"
printf 'u1 Q0 a 1 1.0 t\n' >"$work/good.trec"
malformed=(
  "run:u1 Q0 a 1 1.0"
  "run:u1 Q0 a 1 high t"
  "run:u1 Q0 a 1 0x10 t"
  "run:u1 Q0 a 1 1.0 t\nu1 Q0 a 2 0.5 t"
  "qrels:u1 0 a"
  "qrels:u1 0 a yes"
  "qrels:"
)
bad=0
for case in "${malformed[@]}"; do
  kind="${case%%:*}"
  printf '%b\n' "${case#*:}" >"$work/bad"
  run="$work/good.trec" truth="$work/good.qrels"
  if [[ "$kind" == run ]]; then run="$work/bad"; else truth="$work/bad"; fi
  set +e
  "$memrec" eval --rankings "$run" --truth "$truth" --metrics hr@1 --json >/dev/null 2>&1; ours=$?
  python3 "$reference" "$run" "$truth" hr@1 >/dev/null 2>&1; theirs=$?
  set -e
  if [[ $ours != 2 || $theirs != 2 ]]; then
    echo "malformed $kind ${case#*:}: memrec exit $ours, reference exit $theirs (want 2)"
    bad=1
  fi
done

echo "max |difference| over $seeds seeds: $overall (tolerance $tolerance)"
if python3 -c "import sys; sys.exit(0 if $overall <= $tolerance else 1)" && [[ $bad == 0 ]]; then
  echo "check-trec-eval: OK"
else
  echo "check-trec-eval: FAILED"
  exit 1
fi
