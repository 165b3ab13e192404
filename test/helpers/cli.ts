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
