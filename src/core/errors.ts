// The few error classes kizashi throws; the CLI catches them once and turns them into exit codes.

/** Base class: a message meant for the user, naming the file, URL or field at fault. */
export class KizashiError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input document: missing, empty, binary, undecodable. */
export class InputError extends KizashiError {
  override readonly exitCode: number = 2;
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
  }
}

/** A knowledge-base source that cannot be read or parsed. */
export class KbError extends KizashiError {
  override readonly exitCode: number = 3;
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`knowledge base ${path}: ${reason}`, options);
  }
}

/** Wrong command-line usage. */
export class UsageError extends KizashiError {
  override readonly exitCode: number = 64;
}

/** A short description of any thrown value, for messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
