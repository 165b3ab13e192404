/**
 * Errors that reach the user as one line and an exit code, never as a stack trace.
 * Exit code 2: the user's command, config or input file is wrong. Exit code 1: a failure at run time.
 */
export class MemrecError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 | 130 | 143) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: unknown flag, missing argument. */
export class UsageError extends MemrecError {
  constructor(message: string) {
    super(`usage error: ${message}`, 2);
  }
}

/** A bad config value; `where` is the file and/or key path. */
export class ConfigError extends MemrecError {
  constructor(message: string) {
    super(`config error: ${message}`, 2);
  }
}

/** A user-supplied file that is missing or malformed; the message names file:line. */
export class InputError extends MemrecError {
  constructor(message: string) {
    super(`input error: ${message}`, 2);
  }
}

/** Something failed while running (a refused backend, too many bad rows, an inconsistent run folder). */
export class RunError extends MemrecError {
  constructor(message: string) {
    super(`error: ${message}`, 1);
  }
}

/** A backend asked for by name that cannot start here (a missing package, library or device): exit 2. */
export class BackendUnavailableError extends MemrecError {
  constructor(message: string) {
    super(`error: ${message}`, 2);
  }
}

/** The user stopped a run (Ctrl-C: SIGINT, exit 130; SIGTERM, exit 143); `where` says how far it got. */
export class InterruptedError extends MemrecError {
  constructor(readonly signal: string, readonly where: string) {
    super(`interrupted by ${signal} at ${where}`, signal === 'SIGTERM' ? 143 : 130);
  }
}
