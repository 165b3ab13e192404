import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../util/errors';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes OUT/sweep.lock (created exclusively), so that two sweeps never run the same trials or move each
 * other's trial folders aside. A lock left by a process that no longer runs on this host (a killed sweep) is
 * taken over, with a note. Returns the release function.
 */
export function acquireLock(out: string, note: (message: string) => void): () => void {
  mkdirSync(out, { recursive: true });
  const file = join(out, 'sweep.lock');
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
      let released = false;
      return () => {
        if (!released) rmSync(file, { force: true });
        released = true;
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let other: LockOwner | null = null;
    try {
      other = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    } catch {
      other = null; // an empty or torn lock file: its writer died while writing it
    }
    if (other && other.host !== owner.host) {
      throw new RunError(`${file}: a sweep on host ${other.host} (pid ${other.pid}, since ${other.started}) holds this folder; remove the lock file if it is no longer running`);
    }
    if (other && alive(other.pid)) {
      throw new RunError(`${file}: another sweep (pid ${other.pid}, since ${other.started}) is running in this folder`);
    }
    note(`took over the lock of a sweep that is no longer running${other ? ` (pid ${other.pid}, since ${other.started})` : ''}`);
    rmSync(file, { force: true });
  }
  throw new RunError(`${file}: could not take the lock`);
}
