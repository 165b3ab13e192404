import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layering of src/, checked on the source text: every relative import (`import type` and re-exports
 * included) is an edge between two files. No file may reach a layer it must not know, and no set of files
 * may import each other in a circle. A new reach-around fails here, naming the files.
 */
const ROOT = resolve(__dirname, '..', '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** The src files that `file` imports (relative specifiers only; packages are not edges). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3])
    .filter((spec) => spec.startsWith('.'));
  return specifiers.map((spec) => {
    const base = resolve(dirname(file), spec);
    const found = [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
    if (!found) throw new Error(`${relative(ROOT, file)}: cannot resolve ${spec}`);
    return found;
  });
}

const FILES = sourceFiles(SRC);
const EDGES = new Map(FILES.map((file) => [file, importsOf(file)]));
const rel = (file: string) => relative(SRC, file);

/** Folders (under src/) that a folder must never import from. */
const FORBIDDEN: readonly { from: string; to: readonly string[]; why: string }[] = [
  { from: 'models/', to: ['train/', 'run/', 'eval/', 'results/', 'sweep/', 'cli/'], why: 'the trainer and the evaluator call models, never the reverse' },
  { from: 'run/', to: ['models/baselines/', 'models/memory/'], why: 'the run knows models through the registry and the contract only' },
  { from: 'config/', to: ['models/', 'data/', 'eval/', 'split/', 'compute/', 'train/', 'run/', 'schema/', 'sweep/', 'cli/'], why: 'config/ is the schema engine; src/schema/ assembles the registries' },
  { from: 'sweep/', to: ['cli/'], why: 'the CLI calls the library, not the reverse' },
  { from: 'data/', to: ['results/', 'models/', 'train/', 'eval/', 'run/'], why: 'data sits below everything that consumes it' },
  { from: 'train/', to: ['run/', 'cli/', 'sweep/'], why: 'the training loop is called by the run' },
  { from: 'eval/', to: ['train/', 'run/', 'cli/', 'models/baselines/', 'models/memory/'], why: 'the evaluator knows models through the contract only' },
];

test('no file imports from a layer it must not know', () => {
  const broken: string[] = [];
  for (const [file, targets] of EDGES) {
    for (const rule of FORBIDDEN) {
      if (!rel(file).startsWith(rule.from)) continue;
      for (const target of targets) {
        if (rule.to.some((folder) => rel(target).startsWith(folder))) broken.push(`${rel(file)} imports ${rel(target)} (${rule.why})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('no import circle among the files of src/ (import type included)', () => {
  // Tarjan's strongly connected components: a component of more than one file, or a file importing itself, is a circle
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, index);
    low.set(file, index++);
    stack.push(file);
    onStack.add(file);
    for (const next of EDGES.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) as number, order.get(next) as number));
      }
    }
    if (low.get(file) === order.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(rel(member));
      } while (member !== file);
      if (component.length > 1 || (EDGES.get(file) ?? []).includes(file)) circles.push(component.sort());
    }
  };
  for (const file of FILES) if (!order.has(file)) visit(file);
  assert.deepEqual(circles, []);
});

test('the import scan sees the edges it should (a check of the check)', () => {
  const trainer = join(SRC, 'train', 'trainer.ts');
  const imported = (EDGES.get(trainer) ?? []).map(rel);
  assert.ok(imported.includes('train/batches/registry.ts'), imported.join(', '));
  assert.ok(imported.includes('models/model.ts'), 'an `import type` is an edge');
});
