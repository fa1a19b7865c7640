import { fstatSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import type { Clock } from '../hal/clock.js';

export type { Logger } from 'pino';

/**
 * syslog priority (RFC 5424 §6.2.1 severity) for a pino level number: fatal 2 (crit), error 3,
 * warn 4, info 6, debug and trace 7.
 */
export function syslogPriority(level: number): number {
  if (level >= 60) return 2;
  if (level >= 50) return 3;
  if (level >= 40) return 4;
  if (level >= 30) return 6;
  return 7;
}

/**
 * Prefixes a JSON log line with its syslog priority, `<3>{...}`: journald reads the prefix
 * (systemd.exec(5) `SyslogLevelPrefix=`, on by default), strips it and files the line at that
 * priority, so `journalctl -u terrarium -p err` finds errors. pino writes `"level":N` first.
 */
export function withSyslogPrefix(line: string): string {
  const m = /^\{"level":(\d+)/.exec(line);
  return m ? `<${syslogPriority(Number(m[1]))}>${line}` : line;
}

/** How a logger writes, from the environment. */
export interface LoggerOutput {
  /** Human-readable single lines (a terminal) instead of JSON lines. */
  pretty: boolean;
  /** Colours in pretty mode (off when `NO_COLOR` is set, https://no-color.org). */
  color: boolean;
  /** Syslog priority prefix on JSON lines: stdout is journald's stream. */
  journald: boolean;
}

/**
 * Decides {@link LoggerOutput} from the terminal and the environment. stdout is journald's when
 * `JOURNAL_STREAM` equals stdout's `<device>:<inode>` (systemd.exec(5), "JOURNAL_STREAM").
 * @param stdoutId `<dev>:<ino>` of file descriptor 1, when known
 */
export function loggerOutput(isTty: boolean, env: NodeJS.ProcessEnv, stdoutId?: string): LoggerOutput {
  return { pretty: isTty, color: isTty && !env.NO_COLOR, journald: !isTty && env.JOURNAL_STREAM !== undefined && env.JOURNAL_STREAM === stdoutId };
}

/** `<dev>:<ino>` of stdout, or undefined. */
function stdoutStreamId(): string | undefined {
  try {
    const st = fstatSync(1);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * Builds the process logger: JSON lines to stdout when stdout is not a terminal (journald on the
 * Pi, each line with its syslog priority prefix there), human-readable lines (pino-pretty,
 * in-process, no worker thread; colours unless `NO_COLOR`) when it is.
 * Log timestamps come from the injected clock, so a simulated run logs simulated time.
 * @param level pino level name
 * @param clock time source for the `time` field
 * @param pretty force pretty (true) or JSON (false); default: pretty iff stdout is a TTY
 * @param env environment (`NO_COLOR`, `JOURNAL_STREAM`)
 */
export async function createLogger(level: string, clock: Clock, pretty = Boolean(process.stdout.isTTY), env: NodeJS.ProcessEnv = process.env): Promise<Logger> {
  const out = { ...loggerOutput(pretty, env, env.JOURNAL_STREAM ? stdoutStreamId() : undefined), pretty };
  const options = {
    level,
    base: undefined,
    timestamp: () => `,"time":${clock.now()}`,
    redact: { paths: ['password', '*.password', 'mqtt.password', '*.key', 'authorization'], censor: '[redacted]' },
    ...(out.journald ? { hooks: { streamWrite: withSyslogPrefix } } : {}),
  };
  if (!out.pretty) return pino(options, pino.destination({ dest: 1, sync: true }));
  const { default: pinoPretty } = await import('pino-pretty');
  const stream = pinoPretty({ colorize: out.color, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss', ignore: 'pid,hostname', sync: true });
  return pino(options, stream);
}

/** A logger that drops everything (tests, benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
