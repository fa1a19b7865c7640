import { pino, type Logger } from 'pino';
import type { Clock } from '../hal/clock.js';

export type { Logger } from 'pino';

/**
 * Builds the process logger: JSON lines to stdout when stdout is not a terminal (journald on the
 * Pi), human-readable lines (pino-pretty, in-process, no worker thread) when it is.
 * Log timestamps come from the injected clock, so a simulated run logs simulated time.
 * @param level pino level name
 * @param clock time source for the `time` field
 * @param pretty force pretty (true) or JSON (false); default: pretty iff stdout is a TTY
 */
export async function createLogger(level: string, clock: Clock, pretty = Boolean(process.stdout.isTTY)): Promise<Logger> {
  const options = {
    level,
    base: undefined,
    timestamp: () => `,"time":${clock.now()}`,
    redact: { paths: ['password', '*.password', 'mqtt.password', '*.key', 'authorization'], censor: '[redacted]' },
  };
  if (!pretty) return pino(options, pino.destination({ dest: 1, sync: true }));
  const { default: pinoPretty } = await import('pino-pretty');
  const stream = pinoPretty({ colorize: true, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss', ignore: 'pid,hostname', sync: true });
  return pino(options, stream);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
