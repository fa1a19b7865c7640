import { TerrariumError, describeError } from '../errors.js';
import type { CommandRunner } from '../hal/command-runner.js';

/** A `systemd-notify` call failed: the tool is missing, or it exited non-zero (no manager listening). */
export class SystemdNotifyError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SYSTEMD_NOTIFY', message, options);
  }
}

/**
 * Tells the service manager about the controller's life (sd_notify(3) messages). Every method is a
 * no-op resolving at once when {@link enabled} is false (not started by systemd, or on a laptop).
 */
export interface Notifier {
  /** True when notifications go somewhere (`NOTIFY_SOCKET` is set). */
  readonly enabled: boolean;
  /** `READY=1` (+ `STATUS=`): start-up finished; `Type=notify` units count as started from here. */
  ready(status?: string): Promise<void>;
  /** `STATUS=`: one line shown by `systemctl status terrarium`. */
  status(text: string): Promise<void>;
  /** `WATCHDOG=1`: keep-alive; only send it while the controller is healthy (see `Watchdog`). */
  watchdog(): Promise<void>;
  /** `STOPPING=1` (+ `STATUS=`): shutdown has begun. */
  stopping(status?: string): Promise<void>;
}

/** Dependencies of {@link SystemdNotifier}. */
export interface SystemdNotifierOptions {
  /** Runs the `systemd-notify` CLI; only `run` is used. */
  runner: Pick<CommandRunner, 'run'>;
  /** The process environment (`process.env`): `NOTIFY_SOCKET` enables notifications. */
  env: Readonly<Record<string, string | undefined>>;
  /** PID of the service's main process (`process.pid`), passed as `--pid=`. */
  pid: number;
  /** The CLI to run; default `systemd-notify` (found on PATH). */
  command?: string;
}

/** Longest STATUS= text sent; `systemctl status` shows one line anyway. */
const MAX_STATUS_CHARS = 200;

/**
 * Makes a STATUS= value safe for the notify protocol, which is newline-separated `KEY=VALUE`
 * assignments (sd_notify(3)): control characters (a newline could smuggle in `WATCHDOG=1`) become
 * spaces, runs of spaces collapse, and the text is cut to {@link MAX_STATUS_CHARS}.
 */
export function sanitizeStatus(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim().slice(0, MAX_STATUS_CHARS);
}

/**
 * {@link Notifier} through the `systemd-notify` command: Node has no datagram
 * unix sockets and `NOTIFY_SOCKET` is `SOCK_DGRAM`, so each message is one short-lived process:
 *
 *   systemd-notify --pid=<pid> --ready [--status=TEXT]
 *   systemd-notify --pid=<pid> --status=TEXT
 *   systemd-notify --pid=<pid> WATCHDOG=1
 *   systemd-notify --pid=<pid> STOPPING=1 [--status=TEXT]
 *
 * The sender is the CLI's process, not node, so the unit needs `NotifyAccess=all`; `--pid` names
 * node as the main PID (systemd-notify(1)). The CLI waits for the manager to process the message
 * (`sd_notify_barrier`, systemd >= 246), which avoids the attribution race of short-lived senders.
 * Only active when `NOTIFY_SOCKET` is set, i.e. when started by systemd with `Type=notify`.
 */
export class SystemdNotifier implements Notifier {
  readonly enabled: boolean;
  private readonly command: string;

  constructor(private readonly opts: SystemdNotifierOptions) {
    this.enabled = Boolean(opts.env.NOTIFY_SOCKET);
    this.command = opts.command ?? 'systemd-notify';
  }

  ready(status?: string): Promise<void> {
    return this.send(['--ready', ...this.statusArg(status)]);
  }

  status(text: string): Promise<void> {
    return this.send(this.statusArg(text));
  }

  watchdog(): Promise<void> {
    return this.send(['WATCHDOG=1']);
  }

  stopping(status?: string): Promise<void> {
    return this.send(['STOPPING=1', ...this.statusArg(status)]);
  }

  private statusArg(text: string | undefined): string[] {
    return text === undefined ? [] : [`--status=${sanitizeStatus(text)}`];
  }

  /** Runs the CLI; throws {@link SystemdNotifyError} if it cannot start or exits non-zero. */
  private async send(args: string[]): Promise<void> {
    if (!this.enabled) return;
    const argv = [`--pid=${this.opts.pid}`, ...args];
    let result;
    try {
      result = await this.opts.runner.run(this.command, argv);
    } catch (e) {
      throw new SystemdNotifyError(`cannot run ${this.command}: ${describeError(e)}`, { cause: e });
    }
    if (result.code !== 0) {
      const why = result.stderr.trim() || (result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`);
      throw new SystemdNotifyError(`${this.command} ${argv.join(' ')} failed: ${why}`);
    }
  }
}

/** Default keep-alive period when the manager does not say: a third of `WatchdogSec=60`. */
export const DEFAULT_WATCHDOG_INTERVAL_MS = 20_000;

/**
 * The keep-alive period for `Watchdog`, ms: a third of the manager's `WATCHDOG_USEC` (µs; set when
 * the unit has `WatchdogSec=`), so one withheld ping (a slow moment) is survived and the second is
 * not; {@link DEFAULT_WATCHDOG_INTERVAL_MS} when it is absent, invalid, or meant for another
 * process (`WATCHDOG_PID` differs from `pid`, sd_watchdog_enabled(3)).
 * sd_watchdog_enabled(3) recommends pinging at least every half period; a third is stricter.
 */
export function watchdogIntervalMs(env: Readonly<Record<string, string | undefined>>, pid: number): number {
  const usec = Number(env.WATCHDOG_USEC);
  if (!env.WATCHDOG_USEC || !Number.isFinite(usec) || usec <= 0) return DEFAULT_WATCHDOG_INTERVAL_MS;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return DEFAULT_WATCHDOG_INTERVAL_MS;
  return Math.max(1, Math.floor(usec / 1000 / 3));
}
