import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, gitCommit } from '../results/environment';
import { MemrecError } from '../util/errors';
import { registerCompare } from './compare';
import { registerConfig } from './config';
import { registerData } from './data';
import { registerReproduce } from './reproduce';
import { registerEval } from './eval';
import { registerExplain } from './explain';
import { registerSweep } from './sweep';
import { registerTable } from './table';
import { registerTrain } from './train';

/**
 * Runs the CLI and returns the exit code: 0 on success, 2 for usage and config errors, 1 for failures at
 * run time. A user's mistake is one line on stderr, never a stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const run = async (action: () => Promise<number>) => {
    try {
      exitCode = await action();
    } catch (err) {
      exitCode = report(err);
    }
  };
  const program = new Command('memrec')
    .description('experiment runner for memory-network sequential recommenders and their baselines')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError(false)
    .version(versionLine(), '-V, --version', 'print the version (and the commit) of memrec');
  registerTrain(program, run);
  registerEval(program, run);
  registerExplain(program, run);
  registerCompare(program, run);
  registerConfig(program, run);
  registerData(program, run);
  registerReproduce(program, run);
  registerSweep(program, run);
  registerTable(program, run);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit with 0; commander has already printed its one-line error otherwise.
      return err.exitCode === 0 ? 0 : 2;
    }
    return report(err);
  }
  return exitCode;
}

/** "memrec 0.1.0 (commit 0d7a1719ab)", the commit left out outside a git checkout. */
function versionLine(): string {
  const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = gitCommit();
  return `memrec ${version}${commit === 'unknown' ? '' : ` (commit ${commit.slice(0, 10)})`}`;
}

function report(err: unknown): number {
  if (err instanceof MemrecError) {
    process.stderr.write(`${err.message}\n`);
    return err.exitCode;
  }
  const error = err as Error;
  process.stderr.write(`internal error: ${error?.message ?? String(err)}\n`);
  if (process.env.MEMREC_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
  else process.stderr.write('(set MEMREC_DEBUG=1 to see where it happened)\n');
  return 1;
}
