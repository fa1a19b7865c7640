import type { Clock, TimerHandle } from '../src/hal/clock.js';

/** A timer of one simulated process; `device`: I/O the kernel completes for it (see {@link ProcessClock.deviceTimeout}). */
interface ProcessTimer {
  fn: () => void;
  cancelled: boolean;
  device: boolean;
}

/**
 * The clock one simulated controller process sees: the shared virtual clock's time, with the
 * process's own timers, so the runner can do to the process what an operating system does.
 *
 * - {@link hang}: the event loop stalls. Time runs on, but no timer of the process runs; each one
 *   that falls due is held. {@link resume} runs the held ones late, in the order they fell due
 *   (as Node runs expired timers after a blocked loop), each on its own turn.
 * - {@link kill}: the process is gone. None of its own timers runs again, held or pending, and new
 *   ones are never armed. Device I/O it had in flight ({@link deviceTimeout}) completes, as the
 *   kernel completes it; the released handles make whatever the dead code tries next fail.
 *
 * Timers are armed on the underlying clock, so the order of everything in the simulation (device
 * delays, physics, the runner's own events) stays the virtual clock's.
 */
export class ProcessClock implements Clock {
  private hung = false;
  private dead = false;
  private held: ProcessTimer[] = [];

  /** @param inner the shared virtual clock (wall and monotonic time come from it) */
  constructor(private readonly inner: Clock) {}

  now(): number {
    return this.inner.now();
  }

  monotonic(): number {
    return this.inner.monotonic();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.arm({ fn, cancelled: false, device: false }, ms);
  }

  /**
   * A delay of simulated hardware working for this process (a conversion, a transfer): held while
   * the process is hung like its own timers (the process sees the result only when it runs again),
   * but completed even after a {@link kill}.
   */
  deviceTimeout(fn: () => void, ms: number): TimerHandle {
    return this.arm({ fn, cancelled: false, device: true }, ms);
  }

  private arm(t: ProcessTimer, ms: number): TimerHandle {
    const cancel = (): void => {
      t.cancelled = true;
    };
    if (this.dead && !t.device) return { cancel };
    const handle = this.inner.setTimeout(() => this.fire(t), ms);
    return {
      cancel: () => {
        cancel();
        handle.cancel();
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }

  /** True while the process's event loop is stalled. */
  get isHung(): boolean {
    return this.hung;
  }

  /** Stalls the event loop: from now on, timers that fall due are held until {@link resume}. */
  hang(): void {
    if (!this.dead) this.hung = true;
  }

  /** Ends a stall: the held timers run, late, in the order they fell due. */
  resume(): void {
    if (!this.hung) return;
    this.hung = false;
    const held = this.held;
    this.held = [];
    for (const t of held) this.inner.setTimeout(() => this.fire(t), 0);
  }

  /** The process is gone: no timer of its own runs again; its device I/O completes. */
  kill(): void {
    this.dead = true;
    this.hung = false;
    const held = this.held.filter((t) => t.device);
    this.held = [];
    for (const t of held) this.inner.setTimeout(() => this.fire(t), 0);
  }

  private fire(t: ProcessTimer): void {
    if (t.cancelled || (this.dead && !t.device)) return;
    if (this.hung) {
      this.held.push(t);
      return;
    }
    t.fn();
  }
}

/**
 * The clock the simulated devices run on: the current process's {@link ProcessClock.deviceTimeout}.
 * A device delay armed while a process talks to the device belongs to that process: the process
 * sees its result only when it can run; the runner switches {@link current} for a new process.
 */
export class CurrentProcessClock implements Clock {
  /** The clock of the process running now. */
  current: ProcessClock;

  constructor(private readonly inner: Clock) {
    this.current = new ProcessClock(inner);
  }

  now(): number {
    return this.inner.now();
  }

  monotonic(): number {
    return this.inner.monotonic();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.current.deviceTimeout(fn, ms);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }
}
