#!/usr/bin/env bash
# A full disk, on a small tmpfs (mounting needs root, so this is not part of the tests):
#   1. `memrec train` with its output folder on a disk left with 0 to 128 KiB free (MostPop, whose checkpoint
#      is tiny, and BPR, whose is not): each time a one-line error naming the file it could not write (exit 1),
#      no temporary file left behind, and the same run succeeds once the space is freed.
#   2. A sweep whose index.jsonl cannot be written (its trial folders live on another disk, so only the index
#      fails): it stops after the first trial (exit 1, the file named), its lock is released, the index holds
#      no torn line (its earlier lines are intact), and once space is freed the sweep records every trial once.
# Usage: sudo scripts/checks/disk-full.sh   (from the repository, after make build)
set -uo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "disk-full.sh: needs root (to mount a tmpfs)"; exit 2; }
memrec=(node bin/memrec)
work=$(mktemp -d)
mnt="$work/disk"
mkdir -p "$mnt"
mount -t tmpfs -o size=4m tmpfs "$mnt" || { echo "disk-full.sh: cannot mount a tmpfs"; exit 2; }
trap 'umount "$mnt"; rm -rf "$work"' EXIT
failures=0
check() { # check DESCRIPTION CONDITION...
  local what=$1; shift
  if "$@"; then echo "  ok: $what"; else echo "  FAILED: $what"; failures=$((failures + 1)); fi
}
fill() { # fill KIB: leaves about KIB KiB free on the tmpfs
  rm -f "$mnt/filler"
  local avail
  avail=$(df --output=avail -k "$mnt" | tail -1)
  if [ "$avail" -gt "$1" ]; then dd if=/dev/zero of="$mnt/filler" bs=1K count=$((avail - $1)) status=none 2>/dev/null; fi
}
temps() { find "$mnt" -name '*.tmp-*' -o -name '*.new-*' | wc -l; }

train_args=(train --set train.epochs=1 --set data.synthetic.num_users=60 --set data.cache_dir=
  --set compute.backend=cpu --set output.rankings=true --set output.dir="$mnt/results" --quiet)

echo "1. memrec train writing its run folder to a full disk"
for case in mostpop:0 mostpop:4 mostpop:12 mostpop:24 bpr:128; do
  model=${case%:*} free=${case#*:}
  rm -rf "$mnt/results"
  fill "$free"
  "${memrec[@]}" "${train_args[@]}" --set model.name="$model" > /dev/null 2> "$work/stderr"
  code=$?
  echo " $model, $free KiB free: exit $code: $(cat "$work/stderr")"
  check "exit 1" [ "$code" = 1 ]
  check "one line on stderr" [ "$(wc -l < "$work/stderr")" = 1 ]
  check "the message names a file under the output folder" grep -q "error: $mnt/results/.*: cannot write (no space left on the device)" "$work/stderr"
  check "no temporary file left" [ "$(temps)" = 0 ]
done
rm -f "$mnt/filler"
rm -rf "$mnt/results"
"${memrec[@]}" "${train_args[@]}" --set model.name=bpr > /dev/null 2> "$work/stderr"
code=$?
echo " space freed: exit $code"
check "the run succeeds" [ "$code" = 0 ]
check "it wrote metrics.json" ls "$mnt"/results/*/metrics.json > /dev/null

echo "2. a sweep whose index.jsonl cannot be written"
out="$mnt/sweep"
mkdir -p "$out" "$work/trials"
ln -s "$work/trials" "$out/trials"
cat > "$work/sweep.yaml" <<EOF
set: {data.synthetic.num_users: 40, data.cache_dir: '', compute.backend: cpu, model.name: mostpop}
grid:
  train.lr: [0.1, 0.2, 0.3]
select: none
out: $out
EOF
# earlier lines (of trials not in this sweep), ending 100 bytes before a page boundary: the next line can
# only be written in part, which is what tears a line
node -e "
  const fs = require('fs');
  const target = 8192 - 100;
  const line = (i) => JSON.stringify({ id: 'earlier-' + i, status: 'ok', point: {}, overrides: [], seed: 1, run_dir: null, valid: null, test: null, wall_seconds: 0, finished_at: '' }) + '\n';
  let text = '';
  for (let i = 0; text.length + line(i).length <= target; i++) text += line(i);
  text = text.replace(/\n$/, ' '.repeat(target - text.length) + '\n');
  fs.writeFileSync(process.argv[1], text);
" "$out/index.jsonl"
before=$(sha256sum < "$out/index.jsonl")
size_before=$(stat -c %s "$out/index.jsonl")
fill 4 # one page: room for the sweep's lock file, none for the index to grow into
"${memrec[@]}" sweep --config "$work/sweep.yaml" > /dev/null 2> "$work/stderr"
code=$?
echo " exit $code; stderr:"
sed 's/^/    /' "$work/stderr"
check "exit 1" [ "$code" = 1 ]
check "the last line names index.jsonl" bash -c "tail -1 '$work/stderr' | grep -q 'error: $out/index.jsonl: cannot write (no space left on the device)'"
check "only the first of 3 trials ran" [ "$(ls "$work/trials" | wc -l)" = 1 ]
check "the lock is released" [ ! -e "$out/sweep.lock" ]
check "index.jsonl is as before ($size_before bytes, no torn line)" [ "$(sha256sum < "$out/index.jsonl")" = "$before" ]
check "no temporary file left" [ "$(temps)" = 0 ]
rm -f "$mnt/filler"
"${memrec[@]}" sweep --config "$work/sweep.yaml" > /dev/null 2> "$work/stderr"
code=$?
echo " space freed: exit $code; $(grep -c '"status":"ok"' "$out/index.jsonl") ok lines in the index"
check "the sweep finishes" [ "$code" = 0 ]
check "each of the 3 trials is recorded once" [ "$(grep -c '"id":"lr=' "$out/index.jsonl")" = 3 ]
check "the first trial's stopped folder was recorded or moved aside, not run twice" [ "$(find "$work/trials" -name metrics.json | wc -l)" = 3 ]
echo
if [ "$failures" = 0 ]; then echo "disk-full.sh: every check passed"; else echo "disk-full.sh: $failures check(s) failed"; fi
[ "$failures" = 0 ]
