import type { Clock, TimerHandle } from '../src/hal/clock.js';

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Lets every pending promise continuation run. Node runs the `process.nextTick` queue only once
 * the microtask (promise) queue is empty, so a promise resolved from a next-tick callback settles
 * after every continuation queued before it, including the ones those queue in turn. This costs
 * ~0.4 µs; a macrotask turn (`setImmediate`) costs ~1.5 µs plus an epoll round trip, which was a
 * fifth of a simulated tick.
 */
function flush(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

/** One turn of the event loop: real I/O callbacks that are ready (sockets, child processes) run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time for tests and `terrarium simulate`. Nothing moves until
 * {@link advance} / {@link runUntil} is awaited; then timers fire in due order, and after each one
 * pending promise continuations run, so async code (driver waits, retries, timeouts) behaves as in
 * real time, only instantly and deterministically.
 *
 * Wall time = `startWall + monotonic offset + jump`; {@link jumpWall} moves wall time only (NTP step,
 * RTC-less boot), monotonic time never goes backwards.
 */
export class VirtualClock implements Clock {
  private mono = 0;
  private wallOffset: number;
  private seq = 0;
  private timers: Timer[] = [];

  /** @param startWall wall time at monotonic 0, ms since epoch */
  constructor(startWall: number) {
    this.wallOffset = startWall;
  }

  now(): number {
    return this.wallOffset + this.mono;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: Timer = { due: this.mono + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    // Keep sorted by (due, seq); timers are few, insertion from the end is cheap.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1].due > t.due || (this.timers[i - 1].due === t.due && this.timers[i - 1].seq > t.seq))) i--;
    this.timers.splice(i, 0, t);
    return {
      cancel: () => {
        t.cancelled = true;
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.setTimeout(resolve, ms);
    });
  }

  /** Number of timers still pending. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Moves wall time by `ms` (may be negative) without touching monotonic time or timers. */
  jumpWall(ms: number): void {
    this.wallOffset += ms;
  }

  /** Runs every timer due within the next `ms` of monotonic time, then sets time to now + ms. */
  async advance(ms: number): Promise<void> {
    await this.runUntilMonotonic(this.mono + ms);
  }

  /** Like {@link advance} but to an absolute monotonic time. */
  async runUntilMonotonic(target: number): Promise<void> {
    await yieldToEventLoop();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.due > target) break;
      this.timers.shift();
      if (next.cancelled) continue;
      this.mono = Math.max(this.mono, next.due);
      next.fn();
      await flush();
    }
    this.mono = Math.max(this.mono, target);
  }
}
