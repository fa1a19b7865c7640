import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import type { Notifier } from '../../src/app/systemd-notify.js';
import { TickLoop } from '../../src/app/tick-loop.js';
import { type LoopHealth, Watchdog, type WatchdogEvent, tickProgress } from '../../src/app/watchdog.js';
import type { Clock, TimerHandle } from '../../src/hal/clock.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/** Records what would reach systemd, with the monotonic time of each message. */
class RecordingNotifier implements Pick<Notifier, 'watchdog' | 'status'> {
  pings: number[] = [];
  statuses: string[] = [];
  failNextPing: Error | undefined;
  constructor(private readonly clock: Clock) {}
  async watchdog(): Promise<void> {
    if (this.failNextPing) {
      const e = this.failNextPing;
      this.failNextPing = undefined;
      throw e;
    }
    this.pings.push(this.clock.monotonic());
  }
  async status(text: string): Promise<void> {
    this.statuses.push(text);
  }
}

/** A clock whose timers fire `lagMs` late: an event loop busy with something else. */
class LaggyClock implements Clock {
  lagMs = 0;
  constructor(readonly inner: VirtualClock) {}
  now(): number {
    return this.inner.now();
  }
  monotonic(): number {
    return this.inner.monotonic();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.inner.setTimeout(fn, ms + this.lagMs);
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }
}

const healthy = (): LoopHealth => ({ ok: true });

/** A control loop on the virtual clock whose ticks can be made to hang (a wedged driver call). */
function controlLoop(clock: Clock) {
  let hang: { release: () => void } | undefined;
  let hanging = false;
  const loop = new TickLoop(clock, 1_000, async () => {
    if (hanging) await new Promise<void>((release) => (hang = { release }));
  }, silentLogger());
  return {
    loop,
    stall: () => {
      hanging = true;
    },
    unstall: () => {
      hanging = false;
      hang?.release();
    },
  };
}

describe('Watchdog', () => {
  it('pings every interval while control ticks complete', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    const { loop } = controlLoop(clock);
    loop.start();
    const wd = new Watchdog({ clock, notifier, intervalMs: 20_000, isHealthy: tickProgress({ clock, lastCompletedAt: () => loop.lastCompletedAt, startedAt: 0, periodMs: 1_000 }) });
    await wd.start();
    await clock.advance(100_000);
    expect(notifier.pings).toEqual([20_000, 40_000, 60_000, 80_000, 100_000]);
    expect(notifier.statuses).toEqual([]);
    await wd.stop();
    await loop.stop();
    expect(clock.pending()).toBe(0);
  });

  it('stops pinging when the control tick stalls, so systemd restarts the controller', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    const events: WatchdogEvent[] = [];
    const ctl = controlLoop(clock);
    ctl.loop.start();
    const wd = new Watchdog({
      clock, notifier, intervalMs: 20_000, onEvent: (e) => events.push(e),
      isHealthy: tickProgress({ clock, lastCompletedAt: () => ctl.loop.lastCompletedAt, startedAt: 0, periodMs: 1_000 }),
    });
    await wd.start();
    await clock.advance(29_500); // ticks at 0..29 s complete; the one at 30 s hangs
    ctl.stall();
    await clock.advance(90_500);
    expect(notifier.pings).toEqual([20_000]);
    // WatchdogSec=60: the last ping is more than 60 s old, systemd would have killed the service.
    expect(clock.monotonic() - notifier.pings[0]).toBeGreaterThan(60_000);
    expect(events).toEqual([{ type: 'withheld', reason: 'no control tick completed for 11 s (limit 10 s)' }]);
    expect(notifier.statuses).toEqual(['watchdog withheld: no control tick completed for 11 s (limit 10 s)']);

    ctl.unstall(); // the wedged call returns: ticks complete again, pings resume
    await clock.advance(20_000);
    expect(notifier.pings).toEqual([20_000, 140_000]);
    expect(events.at(-1)).toEqual({ type: 'resumed' });
    expect(notifier.statuses.at(-1)).toBe('running');
    await wd.stop();
    await ctl.loop.stop();
  });

  it.each([
    [6_000, [20_000], [{ type: 'withheld', reason: 'event-loop lag 6000 ms > 5000 ms' }]],
    [4_000, [20_000, 40_000, 64_000], []],
  ] as const)('with %s ms of event-loop lag pings at %j', async (lagMs, pings, events) => {
    const inner = new VirtualClock(0);
    const clock = new LaggyClock(inner);
    const notifier = new RecordingNotifier(clock);
    const seen: WatchdogEvent[] = [];
    const wd = new Watchdog({ clock, notifier, intervalMs: 20_000, isHealthy: healthy, maxLagMs: 5_000, onEvent: (e) => seen.push(e) });
    await wd.start();
    await inner.advance(25_000);
    clock.lagMs = lagMs; // timers set from now on fire late
    await inner.advance(45_000);
    expect(notifier.pings).toEqual(pings);
    expect(seen).toEqual(events);
    expect(wd.eventLoopLagMs()).toBe(lagMs);
    await wd.stop();
  });

  it('withholds while the health check reports a problem, and says why once', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    let health: LoopHealth = { ok: false, reason: 'actuator reconcile failing' };
    const wd = new Watchdog({ clock, notifier, intervalMs: 10_000, isHealthy: () => health });
    await wd.start();
    await clock.advance(50_000);
    expect(notifier.pings).toEqual([]);
    expect(wd.isWithholding()).toBe(true);
    expect(notifier.statuses).toEqual(['watchdog withheld: actuator reconcile failing']);
    health = { ok: true };
    await clock.advance(10_000);
    expect(notifier.pings).toEqual([60_000]);
    await wd.stop();
  });

  it('withholds when the health check itself throws', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    const events: WatchdogEvent[] = [];
    const wd = new Watchdog({ clock, notifier, intervalMs: 10_000, onEvent: (e) => events.push(e), isHealthy: () => { throw new Error('boom'); } });
    await wd.start();
    await clock.advance(10_000);
    expect(notifier.pings).toEqual([]);
    expect(events).toEqual([{ type: 'withheld', reason: 'health check threw: boom' }]);
    await wd.stop();
  });

  it('reports a failed ping and pings again at the next interval', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    const events: WatchdogEvent[] = [];
    const error = new Error('systemd-notify: exit code 1');
    notifier.failNextPing = error;
    const wd = new Watchdog({ clock, notifier, intervalMs: 20_000, isHealthy: healthy, onEvent: (e) => events.push(e) });
    await wd.start();
    await clock.advance(40_000);
    expect(events).toEqual([{ type: 'ping-failed', error }]);
    expect(notifier.pings).toEqual([40_000]);
    await wd.stop();
  });

  it('stop() cancels its timers', async () => {
    const clock = new VirtualClock(0);
    const notifier = new RecordingNotifier(clock);
    const wd = new Watchdog({ clock, notifier, intervalMs: 20_000, isHealthy: healthy });
    await wd.start();
    await wd.stop();
    expect(clock.pending()).toBe(0);
    await clock.advance(60_000);
    expect(notifier.pings).toEqual([]);
  });
});

describe('tickProgress', () => {
  it.each([
    // [periodMs, startedAt, lastCompletedAt, now, ok]
    [1_000, 0, undefined, 10_000, true], // grace before the first tick: the 10 s floor
    [1_000, 0, undefined, 10_001, false],
    [1_000, 0, 5_000, 15_000, true],
    [1_000, 0, 5_000, 15_001, false],
    [60_000, 0, 0, 180_000, true], // slow ticks: 3 periods
    [60_000, 0, 0, 180_001, false],
  ])('period %s ms, started %s, last tick %s, at %s: ok=%s', async (periodMs, startedAt, last, now, ok) => {
    const clock = new VirtualClock(0);
    await clock.advance(now);
    expect(tickProgress({ clock, periodMs, startedAt, lastCompletedAt: () => last }).call(undefined).ok).toBe(ok);
  });

  it('says how long the loop has stalled', async () => {
    const clock = new VirtualClock(0);
    await clock.advance(25_000);
    expect(tickProgress({ clock, periodMs: 1_000, startedAt: 0, lastCompletedAt: () => undefined })()).toEqual({
      ok: false,
      reason: 'no control tick has completed for 25 s (limit 10 s)',
    });
  });
});
