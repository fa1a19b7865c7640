import type { Clock } from '../src/hal/clock.js';
import { GpioError, type HardwareErrno } from '../src/hal/errors.js';
import type { DigitalInput, DigitalOutput, GpioProvider } from '../src/hal/gpio.js';

/** One write to a simulated line: BCM `line`, electrical `level`, monotonic ms `at`; `error` if it was rejected. */
export interface GpioWrite {
  line: number;
  level: boolean;
  at: number;
  error?: HardwareErrno;
}

/**
 * Writes the log keeps at least. Older ones go in batches of this many once twice as many
 * accumulated: a simulated week writes a few thousand, a `run --simulate` left on for a year
 * would otherwise keep ~80,000 (`npm run bench`, leak figure; docs/performance.md).
 */
export const WRITE_LOG_KEPT = 10_000;

/** Called with the new electrical level and the monotonic ms when a line's level changes. */
export type LevelListener = (level: boolean, at: number) => void;

type Owner = { kind: 'output' } | { kind: 'input'; pull: 'up' | 'down' | 'none' };

/**
 * Simulated GPIO header: lines keyed by BCM number, each holding an electrical level.
 * Outputs are driven by the controller and read back; inputs take the level the simulation sets
 * with {@link setInputLevel} (before that, their pull: up = HIGH, down/none = LOW). Like the kernel,
 * a line can be held by one user at a time (EBUSY). A released output keeps its last level.
 *
 * Fault knobs: {@link setOpenFailure}, {@link setWriteFailure} and {@link setShorted} (the pin is
 * held at a level whatever is written: a short to GND/3V3 or a pin claimed by an overlay).
 * Every write attempt, including the initial level of `openOutput`, is kept in {@link writes} (the
 * last {@link WRITE_LOG_KEPT} at least: a long simulation must not grow without bound).
 */
export class SimGpio implements GpioProvider {
  private readonly owners = new Map<number, Owner>();
  private readonly driven = new Map<number, boolean>();
  private readonly external = new Map<number, boolean>();
  private readonly shorts = new Map<number, boolean>();
  private readonly openFailures = new Map<number, HardwareErrno>();
  private readonly writeFailures = new Map<number, { errno: HardwareErrno; remaining: number }>();
  private readonly listeners = new Map<number, Set<LevelListener>>();
  private readonly log: GpioWrite[] = [];

  /**
   * @param toolMs start-up latency of one libgpiod tool call, ms (a process spawn: `gpioset` to
   *   open or write an output in respawn mode, `gpioget` to read an input), spent on `clock` before
   *   the call takes effect; 0 (default) answers at once.
   */
  constructor(
    private readonly clock: Clock,
    private readonly toolMs = 0,
  ) {}

  /** Spends one tool start-up on the clock (nothing with `toolMs` 0). */
  private async tool(): Promise<void> {
    if (this.toolMs > 0) await this.clock.sleep(this.toolMs);
  }

  async openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput> {
    await this.tool();
    const owner = this.claim(line, { kind: 'output' });
    this.drive(line, initialLevel);
    return {
      line,
      write: async (level) => {
        this.assertOwned(line, owner);
        await this.tool();
        this.assertOwned(line, owner);
        const failure = this.writeFailures.get(line);
        if (failure) {
          if (--failure.remaining <= 0) this.writeFailures.delete(line);
          this.record({ line, level, at: this.clock.monotonic(), error: failure.errno });
          throw new GpioError(failure.errno, line, `write ${level ? 'HIGH' : 'LOW'} failed (simulated)`);
        }
        this.drive(line, level);
      },
      read: async () => {
        this.assertOwned(line, owner);
        return this.level(line) ?? false;
      },
      close: async () => this.release(line, owner),
    };
  }

  async openInput(line: number, pull: 'up' | 'down' | 'none' = 'none'): Promise<DigitalInput> {
    await this.tool();
    const owner = this.claim(line, { kind: 'input', pull });
    return {
      line,
      read: async () => {
        this.assertOwned(line, owner);
        await this.tool();
        return this.level(line) ?? false;
      },
      close: async () => this.release(line, owner),
    };
  }

  /** The line's electrical level now (cheap, for the physics loop); `undefined` if never driven or opened. */
  level(line: number): boolean | undefined {
    const short = this.shorts.get(line);
    if (short !== undefined) return short;
    const owner = this.owners.get(line);
    if (owner?.kind === 'input') return this.external.get(line) ?? owner.pull === 'up';
    return this.driven.get(line) ?? this.external.get(line);
  }

  /** Sets the level an external circuit (float switch, button) puts on an input line. */
  setInputLevel(line: number, level: boolean): void {
    if (this.owners.get(line)?.kind === 'output') throw new GpioError('EINVAL', line, 'is an output; the simulation cannot drive it');
    this.change(line, () => this.external.set(line, level));
  }

  /** Calls `listener` whenever the line's level changes. Returns the unsubscribe function. */
  onChange(line: number, listener: LevelListener): () => void {
    let set = this.listeners.get(line);
    if (!set) this.listeners.set(line, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Makes `openOutput`/`openInput` of `line` reject with `errno` until cleared with `null`. */
  setOpenFailure(line: number, errno: HardwareErrno | null): void {
    if (errno === null) this.openFailures.delete(line);
    else this.openFailures.set(line, errno);
  }

  /** Makes the next `times` writes to `line` (default: all until cleared with `null`) reject with `errno`; the level stays. */
  setWriteFailure(line: number, errno: HardwareErrno | null, times = Infinity): void {
    if (errno === null) this.writeFailures.delete(line);
    else this.writeFailures.set(line, { errno, remaining: times });
  }

  /** Holds the line at `level` whatever is written (`null` removes the short). */
  setShorted(line: number, level: boolean | null): void {
    this.change(line, () => (level === null ? this.shorts.delete(line) : this.shorts.set(line, level)));
  }

  /** Write attempts, oldest first: all of them, or at least the last {@link WRITE_LOG_KEPT}. */
  get writes(): readonly GpioWrite[] {
    return this.log;
  }

  /** The write attempts to one line, oldest first. */
  writesTo(line: number): GpioWrite[] {
    return this.log.filter((w) => w.line === line);
  }

  /** Whether `line` is currently held open by a user. */
  isOpen(line: number): boolean {
    return this.owners.has(line);
  }

  private claim(line: number, owner: Owner): Owner {
    const failure = this.openFailures.get(line);
    if (failure) throw new GpioError(failure, line, `open as ${owner.kind} failed (simulated)`);
    const held = this.owners.get(line);
    if (held) throw new GpioError('EBUSY', line, `already open as ${held.kind}`);
    this.change(line, () => this.owners.set(line, owner));
    return owner;
  }

  private record(w: GpioWrite): void {
    if (this.log.length >= 2 * WRITE_LOG_KEPT) this.log.splice(0, WRITE_LOG_KEPT);
    this.log.push(w);
  }

  private drive(line: number, level: boolean): void {
    this.record({ line, level, at: this.clock.monotonic() });
    this.change(line, () => this.driven.set(line, level));
  }

  /**
   * The process holding the lines died (crash-restart fault): every line is released at once, outputs
   * keep their last level (as sysfs lines do), and every old handle fails from now on.
   */
  releaseAll(): void {
    for (const line of [...this.owners.keys()]) this.change(line, () => this.owners.delete(line));
  }

  /**
   * The board lost power (power cut): every line is released and no longer driven; when power
   * returns the lines are unconfigured inputs, so a relay input reads undriven (off) until a process
   * opens it again. Levels from external circuits (float switch) stay.
   */
  powerLoss(): void {
    this.releaseAll();
    for (const line of [...this.driven.keys()]) this.change(line, () => this.driven.delete(line));
  }

  /** Releases `line` if `owner` still holds it (closing a handle twice is a no-op). */
  private release(line: number, owner: Owner): void {
    if (this.owners.get(line) === owner) this.change(line, () => this.owners.delete(line));
  }

  private assertOwned(line: number, owner: Owner): void {
    if (this.owners.get(line) !== owner) throw new GpioError('EINVAL', line, `${owner.kind} handle used after close()`);
  }

  /** Applies `mutate` and notifies listeners if the effective level changed. */
  private change(line: number, mutate: () => unknown): void {
    const before = this.level(line);
    mutate();
    const after = this.level(line);
    if (after === undefined || after === before) return;
    const at = this.clock.monotonic();
    for (const listener of [...(this.listeners.get(line) ?? [])]) listener(after, at);
  }
}
