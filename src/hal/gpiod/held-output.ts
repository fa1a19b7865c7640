import type { Clock, TimerHandle } from '../clock.js';
import type { CommandRunner } from '../command-runner.js';
import { GpioError } from '../errors.js';
import type { DigitalOutput } from '../gpio.js';
import { type GpiodTarget, holdArgs } from './tools.js';
import { ToolProcess } from './tool-process.js';

/** Timing of gpiod output processes, ms of clock time. */
export interface GpiodTimings {
  /** Longest wait for a v2 banner or an interactive answer, and for a gpioget run. */
  answerMs: number;
  /** v1 prints nothing on success: a `gpioset --mode=signal` still running after this is holding the line. */
  settleMs: number;
  /** After SIGTERM, how long a tool may take to exit before it gets SIGKILL. */
  stopGraceMs: number;
}

/** What an output needs from its provider. */
export interface GpiodOutputDeps {
  runner: CommandRunner;
  clock: Clock;
  target: GpiodTarget;
  timings: GpiodTimings;
  /** Called once when the output is closed, so the provider frees the line. */
  onClose: () => void;
}

/**
 * Starts `gpioset` holding `line` at `level` and resolves once it holds it: v2 prints its banner;
 * v1 prints nothing, so it counts as holding when still running after `settleMs`.
 * @throws GpioError with the command, exit code and stderr when gpioset exits first
 */
export async function startHolder(deps: GpiodOutputDeps, line: number, args: string[], ack: RegExp | undefined): Promise<ToolProcess> {
  const { runner, clock, timings } = deps;
  const proc = new ToolProcess(runner.spawn('gpioset', args), clock, line, 'gpioset', args);
  try {
    if (ack) {
      await proc.waitFor(ack, 0, timings.answerMs);
    } else {
      let timer: TimerHandle | undefined;
      const settled = new Promise<'settled'>((resolve) => (timer = clock.setTimeout(() => resolve('settled'), timings.settleMs)));
      const first = await Promise.race([settled, proc.exited.then(() => 'exited' as const)]);
      timer?.cancel();
      if (first === 'exited') throw proc.exitError('could not hold the line');
    }
  } catch (e) {
    await proc.stop(timings.stopGraceMs);
    throw e;
  }
  return proc;
}

/**
 * A GPIO output held by one `gpioset` process per level (tools v1 with `--mode=signal`, and v2
 * builds without `--interactive`, such as Debian's). A change of level stops the holder and starts
 * a new one: between the two the line is released, and libgpiod guarantees nothing about it.
 * Raspberry Pi kernels keep a released output driven at its last level by default
 * (raspberrypi/linux#6117, #6150), so the gap is harmless there; with `dtparam=strict_gpiod`
 * released lines fall back to inputs, which is fail-safe after a crash but makes every change
 * glitch for a few ms: use a gpiod build with `--interactive` (see `InteractiveOutput`) then.
 *
 * `read()` returns the level of the running holder (the last level successfully written); it
 * rejects when the holder died, so a relay's verify step notices. The next `write` respawns it.
 */
export class RespawnOutput implements DigitalOutput {
  private holder: ToolProcess | undefined;
  private level = false;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly line: number,
    private readonly deps: GpiodOutputDeps,
  ) {}

  /** Starts holding the line at `initialLevel`. */
  start(initialLevel: boolean): Promise<void> {
    return this.serialise(() => this.hold(initialLevel));
  }

  write(level: boolean): Promise<void> {
    return this.serialise(async () => {
      this.assertOpen();
      if (this.holder?.alive && this.level === level) return;
      await this.holder?.stop(this.deps.timings.stopGraceMs);
      this.holder = undefined;
      await this.hold(level);
    });
  }

  /** Waits for a write in progress, so it never sees the gap between two holders. */
  read(): Promise<boolean> {
    return this.serialise(async () => {
      this.assertOpen();
      if (!this.holder) throw new GpioError('EIO', this.line, 'line is not driven: the last write failed');
      if (!this.holder.alive) throw this.holder.exitError('stopped holding the line');
      return this.level;
    });
  }

  close(): Promise<void> {
    return this.serialise(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.holder?.stop(this.deps.timings.stopGraceMs);
      } finally {
        this.holder = undefined;
        this.deps.onClose();
      }
    });
  }

  private async hold(level: boolean): Promise<void> {
    const { target } = this.deps;
    const ack = target.major === 2 ? /Setting line/ : undefined;
    this.holder = await startHolder(this.deps, this.line, holdArgs(target, this.line, level), ack);
    this.level = level;
  }

  private assertOpen(): void {
    if (this.closed) throw new GpioError('EINVAL', this.line, 'line is closed');
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
