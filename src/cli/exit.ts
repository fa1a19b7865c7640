import { ConfigError } from '../config/errors.js';
import { describeError } from '../errors.js';

/** Exit codes: 0 success, 1 runtime failure, 2 bad arguments or configuration. */
export const EXIT = { ok: 0, runtime: 1, usage: 2 } as const;

/** Prints an error for a person and returns the exit code it deserves. Never throws. */
export function reportFatal(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  if (err instanceof ConfigError) {
    stderr.write(`terrarium: invalid configuration ${err.file}\n`);
    for (const i of err.issues) stderr.write(`  ${i.path || '(file)'}: ${i.message}\n`);
    return EXIT.usage;
  }
  stderr.write(`terrarium: ${describeError(err)}\n`);
  return EXIT.runtime;
}
