import type { Clock, TimerHandle } from './clock.js';

/**
 * A clock running `factor` times faster than its base clock (`terrarium run --simulate --speed N`):
 * monotonic and wall time advance `factor` ms per base ms from the moment of construction, timers
 * fire after `ms / factor` base ms. Wall time is derived from the base's monotonic time, so it
 * never jumps. With the simulated world on it, a simulated hour passes in a minute at factor 60.
 */
export class ScaledClock implements Clock {
  private readonly originMono: number;
  private readonly originWall: number;

  /**
   * @param base the real clock
   * @param factor speed-up, > 0 (1 = real time)
   * @param startWall wall time at construction, ms since epoch (default: the base clock's now)
   * @throws RangeError when factor is not a positive finite number
   */
  constructor(
    private readonly base: Clock,
    readonly factor: number,
    startWall?: number,
  ) {
    if (!Number.isFinite(factor) || factor <= 0) throw new RangeError(`speed factor must be a positive number, got ${factor}`);
    this.originMono = base.monotonic();
    this.originWall = startWall ?? base.now();
  }

  now(): number {
    return this.originWall + (this.base.monotonic() - this.originMono) * this.factor;
  }

  monotonic(): number {
    return this.originMono + (this.base.monotonic() - this.originMono) * this.factor;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(fn, ms / this.factor);
  }

  sleep(ms: number): Promise<void> {
    return this.base.sleep(ms / this.factor);
  }
}
