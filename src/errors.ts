/**
 * The error catalog's base class. Every error the controller throws on purpose extends it, carries
 * a stable `code` (branch on it, never on the message) and, where it wraps another error, a `cause`.
 *
 * Layer-specific subclasses live beside their layer (`hal/errors.ts`, `config/errors.ts`, ...);
 * `test/errors.test.ts` checks that codes are unique across the catalog.
 */
export class TerrariumError extends Error {
  /** Stable machine-readable code, e.g. `I2C_IO`, `CONFIG_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Turns anything thrown into a one-line reason for logs and health (never throws). */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
