import { type Clock, withTimeout } from '../clock.js';
import type { CommandResult, ProcessExit, ProcessHandle } from '../command-runner.js';
import { errnoOf, GpioError, type HardwareErrno } from '../errors.js';

/** Maps the strerror text the gpiod tools print (`...: Device or resource busy`) to an errno. */
export function errnoFromStderr(stderr: string): HardwareErrno {
  const table: Array<[RegExp, HardwareErrno]> = [
    [/device or resource busy/i, 'EBUSY'],
    [/permission denied/i, 'EACCES'],
    [/operation not permitted/i, 'EPERM'],
    [/no such file or directory/i, 'ENOENT'],
    [/no such device/i, 'ENODEV'],
    [/invalid argument/i, 'EINVAL'],
    [/timed out/i, 'ETIMEDOUT'],
  ];
  return table.find(([re]) => re.test(stderr))?.[1] ?? 'EIO';
}

/** `gpioset --chip gpiochip0 17=1` for messages. */
export const commandLine = (cmd: string, args: readonly string[]): string => [cmd, ...args].join(' ');

/** How an exit reads in a message: `exit code 1`, `signal SIGKILL`, or the start error. */
export function describeExit(exit: Pick<ProcessExit, 'code' | 'signal' | 'error'>): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${String(exit.code)}`;
}

/** A failed tool run as a {@link GpioError}: command, exit code and stderr, errno from stderr. */
export function toolError(
  line: number,
  cmd: string,
  args: readonly string[],
  result: Pick<CommandResult, 'code' | 'signal' | 'stderr'> & { error?: Error },
  context?: string,
): GpioError {
  const stderr = result.stderr.trim();
  const errno = result.error ? errnoOf(result.error) : errnoFromStderr(stderr);
  const what = `\`${commandLine(cmd, args)}\` ${context ?? 'failed'} (${describeExit(result)})${stderr ? `: ${stderr}` : ''}`;
  return new GpioError(errno, line, what, { cause: result.error });
}

interface Waiter {
  from: number;
  pattern: RegExp;
  resolve: (m: RegExpExecArray) => void;
  reject: (e: Error) => void;
}

/**
 * A long-lived gpiod tool process with its output collected: waits for a pattern on stdout, turns
 * an early exit into a {@link GpioError}, and stops cleanly.
 */
export class ToolProcess {
  stdout = '';
  stderr = '';
  private exitInfo: ProcessExit | undefined;
  private readonly waiters = new Set<Waiter>();
  /** Resolves when the process has ended (never rejects). */
  readonly exited: Promise<ProcessExit>;

  constructor(
    private readonly handle: ProcessHandle,
    private readonly clock: Clock,
    readonly line: number,
    readonly cmd: string,
    readonly args: readonly string[],
  ) {
    handle.onStdout((c) => {
      this.stdout += c;
      for (const w of this.waiters) this.check(w);
    });
    handle.onStderr((c) => (this.stderr += c));
    this.exited = new Promise((resolve) => {
      handle.onExit((exit) => {
        this.exitInfo = exit;
        for (const w of this.waiters) w.reject(this.exitError());
        this.waiters.clear();
        resolve(exit);
      });
    });
  }

  /** True until the process ends. */
  get alive(): boolean {
    return this.exitInfo === undefined;
  }

  /** The error describing why the process ended (command, exit code, stderr), after `context`. */
  exitError(context?: string): GpioError {
    return toolError(this.line, this.cmd, this.args, { code: null, signal: null, ...this.exitInfo, stderr: this.stderr }, context);
  }

  /**
   * Resolves with the first match of `pattern` in stdout at or after offset `from`; rejects with
   * {@link exitError} if the process ends first, or with ETIMEDOUT after `timeoutMs` of clock time.
   */
  waitFor(pattern: RegExp, from: number, timeoutMs: number): Promise<RegExpExecArray> {
    let waiter: Waiter | undefined;
    const found = new Promise<RegExpExecArray>((resolve, reject) => {
      if (!this.alive) return reject(this.exitError());
      waiter = { from, pattern, resolve, reject };
      this.waiters.add(waiter);
      this.check(waiter);
    });
    return withTimeout(this.clock, found, timeoutMs, () => {
      if (waiter) this.waiters.delete(waiter);
      const tail = this.stdout.slice(from).trim();
      return new GpioError('ETIMEDOUT', this.line, `\`${commandLine(this.cmd, this.args)}\` did not answer within ${timeoutMs} ms${tail ? `; stdout: ${tail}` : ''}`);
    });
  }

  /** Writes one command line to stdin. */
  write(line: string): void {
    this.handle.write(line);
  }

  /**
   * Sends SIGTERM and resolves once the process has ended (the kernel then releases the line);
   * a process still running after `graceMs` gets SIGKILL.
   */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.alive) return;
    this.handle.kill('SIGTERM');
    const timer = this.clock.setTimeout(() => this.handle.kill('SIGKILL'), graceMs);
    await this.exited;
    timer.cancel();
  }

  private check(w: Waiter): void {
    const re = new RegExp(w.pattern.source, w.pattern.flags.replace('g', ''));
    const m = re.exec(this.stdout.slice(w.from));
    if (!m) return;
    m.index += w.from;
    this.waiters.delete(w);
    w.resolve(m);
  }
}
