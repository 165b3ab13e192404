import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..', '..');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/memrec` with the given arguments in the repository root, with `env` added to the environment. */
export function memrec(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [join(REPO, 'bin', 'memrec'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, MEMREC_DEBUG: '', ...env },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Asserts the shape of a user-mistake error: exit code, one line on stderr, no stack trace. */
export function isOneLineError(result: CliResult, code: number): boolean {
  const lines = result.stderr.trim().split('\n');
  return result.status === code && lines.length === 1 && !result.stderr.includes('    at ');
}

/**
 * Runs the CLI in this process, for cases that fail before any real work (usage, config and input errors):
 * the same exit code and output as `memrec`, without the ~1.7 s of a new node process. stdout and stderr are
 * captured while it runs, in the repository root or in `cwd`.
 */
export async function memrecInProcess(args: readonly string[], cwd = REPO): Promise<CliResult> {
  // required here, not imported above: the CLI module loads tfjs, which child-process tests need not
  const { main } = require('../../src/cli/main') as typeof import('../../src/cli/main');
  const out = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => ((out.stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((out.stderr += chunk.toString()), true)) as typeof process.stderr.write;
  const debug = process.env.MEMREC_DEBUG;
  delete process.env.MEMREC_DEBUG;
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const status = await main([process.execPath, 'memrec', ...args]);
    return { status, ...out };
  } finally {
    process.chdir(before);
    if (debug !== undefined) process.env.MEMREC_DEBUG = debug;
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}
