import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE_ROOT } from '../util/package-root';
import { NATIVE_BACKEND, nativeEnvironment } from '../compute/native/addon';

export { PACKAGE_ROOT };

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The code's commit, or "unknown" outside a git checkout. */
export function gitCommit(): string {
  return git(['rev-parse', 'HEAD']) ?? 'unknown';
}

/** Versions and the code's commit, saved with every run; on the native backend, which sgemm ran. */
export function environment(backend: string): Record<string, unknown> {
  const native = backend === NATIVE_BACKEND ? nativeEnvironment() : null;
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const commit = git(['rev-parse', 'HEAD']);
  const dirty = commit === null ? null : (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '';
  return {
    backend,
    ...(native === null ? {} : { native }),
    memrec: pkg.version,
    tfjs: tf.version_core,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    git_commit: commit,
    git_dirty: dirty,
  };
}
