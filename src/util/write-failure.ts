import { RunError } from './errors';

/** What a failed write means to the user, in words (the disk is full, the file system failed, ...). */
export function writeFailure(file: string, err: unknown): RunError {
  const e = err as NodeJS.ErrnoException;
  const reason =
    e.code === 'ENOSPC' ? 'no space left on the device' :
    e.code === 'EDQUOT' ? 'disk quota exceeded' :
    e.code === 'EIO' ? 'input/output error' :
    e.code === 'EROFS' ? 'read-only file system' :
    e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' :
    e.code === 'ENOENT' ? 'its folder does not exist' :
    e.message;
  return new RunError(`${file}: cannot write (${reason})`);
}
