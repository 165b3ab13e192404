# Sourced by the checks that read `memrec reproduce`'s cells (dman-table-pairs.sh, dman-table-seeds.sh).
# cell_trial CELL SEED: the run folder, relative to CELL, of the cell's finished trial with this seed, among
# the trials its last plan lists in summary.json (a cell's index may also hold trials of older settings);
# prints nothing when there is none.
cell_trial() {
  [ -f "$1/summary.json" ] && [ -f "$1/index.jsonl" ] || return 0
  node -e '
    const fs = require("fs");
    const [cell, seed] = process.argv.slice(1);
    const listed = new Set(JSON.parse(fs.readFileSync(cell + "/summary.json", "utf8")).points.flatMap((p) => p.trials));
    const rows = fs.readFileSync(cell + "/index.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const ok = rows.filter((r) => r.status === "ok" && listed.has(r.id) && r.seed === Number(seed));
    if (ok.length > 0) console.log(ok[ok.length - 1].run_dir);
  ' "$1" "$2"
}
