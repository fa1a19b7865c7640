import { ConfigError } from '../config/errors.js';
import { describeError } from '../errors.js';

/** Exit codes: 0 success, 1 runtime failure, 2 bad arguments or configuration. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/**
 * Prints a fatal error to stderr and returns the exit code it deserves (2 for configuration
 * errors, else 1). Human text by default; with `json`, one JSON object
 * `{"error":{"code","message","issues"?}}` on one line. Never throws.
 */
export function reportFatal(err: unknown, stderr: NodeJS.WritableStream = process.stderr, json = false): number {
  const code = err instanceof ConfigError ? EXIT.usage : EXIT.runtime;
  if (json) {
    const errCode = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'ERROR';
    const body =
      err instanceof ConfigError
        ? { code: err.code, message: `invalid configuration ${err.file}`, file: err.file, issues: err.issues }
        : { code: errCode, message: describeError(err) };
    stderr.write(`${JSON.stringify({ error: body })}\n`);
    return code;
  }
  if (err instanceof ConfigError) {
    stderr.write(`terrarium: invalid configuration ${err.file}\n`);
    for (const i of err.issues) stderr.write(`  ${i.path || '(file)'}: ${i.message}\n`);
    return code;
  }
  stderr.write(`terrarium: ${describeError(err)}\n`);
  return code;
}
