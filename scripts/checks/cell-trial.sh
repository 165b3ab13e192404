# Sourced by the checks that read `memrec reproduce`'s cells (dman-table-pairs.sh, dman-table-seeds.sh).
# cell_trial CELL SEED: the run folder, relative to CELL, of the cell's finished trial with this seed under the
# settings of the cell's sweep.yaml (the trial id its plan gives that seed, so seeds run by separate invocations
# are all found, and trials of older settings in the cell's index are not); prints nothing when there is none.
cell_trial() {
  [ -f "$1/sweep.yaml" ] && [ -f "$1/index.jsonl" ] || return 0
  node -e '
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const YAML = require("yaml");
    const { planSweep } = require("./dist/src/sweep/plan");
    const [cell, seed] = process.argv.slice(1);
    const spec = YAML.parse(fs.readFileSync(path.join(cell, "sweep.yaml"), "utf8"));
    spec.seeds = [Number(seed)];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cell-trial-"));
    let ids;
    try {
      fs.writeFileSync(path.join(dir, "sweep.yaml"), YAML.stringify(spec));
      ids = new Set(planSweep(path.join(dir, "sweep.yaml"), cell).trials.map((t) => t.id));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const rows = fs.readFileSync(path.join(cell, "index.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const ok = rows.filter((r) => r.status === "ok" && ids.has(r.id));
    if (ok.length > 0) console.log(ok[ok.length - 1].run_dir);
  ' "$1" "$2"
}
