import { createHash, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunError } from '../util/errors';
import { writeFailure } from '../util/write-failure';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
  /** makes every lock's text unique, so that a lock once taken over is never mistaken for a later one */
  nonce: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const readText = (file: string): string | null => {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
};

/** Creates `file` holding `text` only if it does not exist, whole or not at all (a hard link of a full temporary file). */
function createWhole(file: string, text: string): boolean {
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeFailure(file, err);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** The takeover token of one lock text: whoever creates it (exclusively) is the one who may replace that lock. */
const tokenOf = (file: string, seen: string) => `${file}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 16)}`;

/**
 * Replaces the lock file, whose text was `seen` (a dead sweep's), by `text`. Atomic against other sweeps
 * doing the same: only the one that exclusively creates the token of `seen` may replace it, and it does so
 * only if the file still holds `seen` (no one else can change a file holding a taken-over text: a fresh
 * lock needs the file absent, a takeover needs the token). Returns false when another sweep was first.
 */
export function takeOverStale(file: string, seen: string, text: string): boolean {
  const token = tokenOf(file, seen);
  try {
    writeFileSync(token, text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    rmSync(token, { force: true });
    throw writeFailure(token, err);
  }
  const tmp = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    if (readText(file) !== seen) return false;
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, file);
    return true;
  } catch (err) {
    throw writeFailure(file, err);
  } finally {
    rmSync(tmp, { force: true });
    // the text `seen` (with its nonce) never comes back, so its token is of no further use
    rmSync(token, { force: true });
  }
}

const ATTEMPTS = 5;

/**
 * Takes OUT/sweep.lock (created exclusively, whole), so that two sweeps never run the same trials or move
 * each other's trial folders aside. A lock left by a process that no longer runs on this host (a killed
 * sweep) is taken over atomically (takeOverStale), with a note: of two sweeps started together on a folder
 * with a dead lock, one runs and the other is refused. Returns the release function.
 */
export function acquireLock(out: string, note: (message: string) => void): () => void {
  mkdirSync(out, { recursive: true });
  const file = join(out, 'sweep.lock');
  const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  const text = `${JSON.stringify(owner)}\n`;
  const held = () => {
    let released = false;
    return () => {
      if (!released && readText(file) === text) rmSync(file, { force: true });
      released = true;
    };
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createWhole(file, text)) return held();
    const seen = readText(file);
    if (seen === null) continue; // released meanwhile
    let other: LockOwner | null = null;
    try {
      other = JSON.parse(seen) as LockOwner;
    } catch {
      other = null; // an empty or torn lock file (written by an older memrec that died while writing it)
    }
    if (other && other.host !== owner.host) {
      throw new RunError(`${file}: a sweep on host ${other.host} (pid ${other.pid}, since ${other.started}) holds this folder; remove the lock file if it is no longer running`);
    }
    if (other && alive(other.pid)) {
      throw new RunError(`${file}: another sweep (pid ${other.pid}, since ${other.started}) is running in this folder`);
    }
    if (takeOverStale(file, seen, text)) {
      note(`took over the lock of a sweep that is no longer running${other ? ` (pid ${other.pid}, since ${other.started})` : ''}`);
      return held();
    }
  }
  throw new RunError(`${file}: could not take the lock (another sweep is taking it over); if no sweep runs here, remove ${file} and ${file}.takeover-*`);
}
