/** The command's exit codes and the errors that carry them. */

export const EXIT = {
  ok: 0,
  /** Capture, encoding or file writing failed. */
  failure: 1,
  /** Unknown option, bad value, missing argument. */
  usage: 2,
  /** No device matches the one asked for (or none of the kind exists). */
  notFound: 3,
  /** The constraints cannot be satisfied by any device (OverconstrainedError). */
  overconstrained: 4,
  /** Access to the device was refused, or it could not be opened. */
  notAllowed: 5,
} as const;

export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** An error from the media API, as the one-line message and exit code the command reports. */
export function describeFailure(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  const err = e as { name?: unknown; message?: unknown; constraint?: unknown } | null;
  const name = typeof err?.name === 'string' ? err.name : '';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  switch (name) {
    case 'OverconstrainedError': {
      const constraint = typeof err?.constraint === 'string' && err.constraint !== '' ? err.constraint : '(unnamed)';
      return { message: `OverconstrainedError (constraint '${constraint}'): ${message}`, exitCode: EXIT.overconstrained };
    }
    case 'NotFoundError':
      return { message: `NotFoundError: ${message}`, exitCode: EXIT.notFound };
    case 'NotAllowedError':
    case 'NotReadableError':
    case 'AbortError':
      return { message: `${name}: ${message}`, exitCode: EXIT.notAllowed };
    default:
      return { message: name && name !== 'Error' ? `${name}: ${message}` : message, exitCode: EXIT.failure };
  }
}
