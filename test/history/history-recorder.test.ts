import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../src/app/controller.js';
import type { TickOutcome } from '../../src/app/enclosure-runtime.js';
import { silentLogger } from '../../src/app/logger.js';
import { historyRetention } from '../../src/config/history-schema.js';
import { parseConfig } from '../../src/config/load.js';
import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import type { ControlEvent, EnclosureMode } from '../../src/control/types.js';
import { HistoryRecorder, type HistorySink } from '../../src/history/history-recorder.js';
import { HistoryStore, MINUTE_MS, type HistoryOp } from '../../src/history/history-store.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'history-recorder-'));
  dirs.push(d);
  return join(d, 'history.db');
}

const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T12:00:00Z');
const DEFAULTS = historyRetention({ enabled: true, minuteDays: 14, quarterHourDays: 730, eventDays: 365 });

interface TickState {
  tempC?: number | null;
  heater?: boolean;
  mode?: EnclosureMode;
  events?: ControlEvent[];
}

/** A tick outcome as the controller reports it, with only what history reads filled in. */
function outcome(at: number, s: TickState = {}): TickOutcome {
  const tempC = s.tempC === undefined ? 25 : s.tempC;
  const snapshot = {
    enclosureId: 'gecko',
    at,
    mode: s.mode ?? 'normal',
    phase: 'day',
    setpointC: 28,
    temperature: tempC === null ? { sensorId: 'air', quantity: 'temperature', value: null, at: null, quality: 'missing' } : { sensorId: 'air', quantity: 'temperature', value: tempC, at, quality: 'ok' },
    humidity: { sensorId: 'air', quantity: 'humidity', value: 50, at, quality: 'ok' },
    actuators: { heater: { kind: 'heater', on: s.heater ?? false, reason: '' }, lights: { kind: 'light', on: true, reason: '' } },
  } as unknown as EnclosureSnapshot;
  return { snapshot, events: s.events ?? [] };
}

/** A recorder on a real store in a temp file, on a virtual clock; ticks every `tickMs`. */
function rig(o: { tickMs?: number; flushMs?: number; start?: number; retention?: typeof DEFAULTS } = {}) {
  const clock = new VirtualClock(o.start ?? T0);
  const file = tempFile();
  const store = HistoryStore.open(file, { log: silentLogger(), clock });
  const tickMs = o.tickMs ?? 1000;
  const rec = new HistoryRecorder({ store, clock, log: silentLogger(), retention: o.retention ?? DEFAULTS, enclosureIds: ['gecko'], tickMs, flushMs: o.flushMs });
  rec.start();
  /** Ticks for `ms` of virtual time, each tick's state from `state(wall)`. */
  const run = async (ms: number, state: (wall: number) => TickState = () => ({})): Promise<void> => {
    for (let done = 0; done < ms; done += tickMs) {
      rec.onTick([outcome(clock.now(), state(clock.now()))]);
      await clock.advance(tickMs);
    }
  };
  return { clock, store, rec, run, file };
}

describe('history recorder', () => {
  it('shows a heater on for half of a minute as 0.5, with the mean, min and max temperature of that minute', async () => {
    const { clock, rec, run } = rig();
    await run(60_000, (wall) => ({ heater: wall < T0 + 30_000, tempC: wall < T0 + 30_000 ? 24 : 26 }));
    await run(60_000, () => ({ heater: false, tempC: null }));
    await run(1000); // the next minute's first tick closes the second minute
    await clock.advance(60_000);
    const [first, second] = rec.points('gecko', T0, T0 + 2 * MINUTE_MS);
    expect(first.t).toBe(T0);
    expect(first.outputs.heater).toBeCloseTo(0.5, 9);
    expect(first.outputs.lights).toBe(1);
    expect(first.temperatureC).toBeCloseTo(25, 9);
    expect([first.minC, first.maxC]).toEqual([24, 26]);
    expect(first.humidityPct).toBe(50);
    // a minute with no valid temperature is null, never a made-up number
    expect([second.temperatureC, second.minC, second.maxC, second.outputs.heater]).toEqual([null, null, null, 0]);
    rec.stop();
  });

  it('keeps 14 days of 1-minute points and no more after 20 simulated days, and 15-minute points for all of them', async () => {
    const { clock, rec, run, store } = rig({ tickMs: 30_000, flushMs: 15 * MINUTE_MS });
    await run(20 * DAY, (wall) => ({ heater: wall % (15 * MINUTE_MS) < 7.5 * MINUTE_MS }));
    await clock.advance(15 * MINUTE_MS);
    const now = clock.now();
    const { minute, quarterHour } = store.counts();
    // the ring is bounded: 14 days of minutes back from the last flush (now), the newest minutes lag it by up to a flush
    expect(minute).toBeGreaterThanOrEqual(14 * 1440 - 16);
    expect(minute).toBeLessThanOrEqual(14 * 1440);
    expect(store.points('gecko', 0, now, '1m')[0].t).toBeGreaterThanOrEqual(now - 14 * DAY);
    expect(quarterHour).toBe(20 * 96);
    // a keeper's last day: 1-minute points; the whole 20 days: 15-minute points, heater on half the time
    const lastDay = rec.points('gecko', now - DAY, now);
    expect(lastDay.length).toBeGreaterThanOrEqual(1440 - 16);
    expect(lastDay[1].t - lastDay[0].t).toBe(MINUTE_MS);
    const all = rec.points('gecko', T0, now);
    expect(all).toHaveLength(20 * 96);
    for (const p of all.slice(0, -1)) expect(p.outputs.heater).toBeCloseTo(0.5, 6);
    rec.stop();
  }, 60_000);

  it('writes nothing to SQLite inside onTick: only its flush timer writes (simulated controller)', async () => {
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'history-ctl-'));
    dirs.push(raw.controller.stateDir);
    raw.controller.speciesDir = join(process.cwd(), 'config/species');
    const cfg = parseConfig(raw, join(process.cwd(), 'config/simulated.json'));
    const clock = new VirtualClock(Date.parse('2026-06-01T08:00:00Z'));
    const real = HistoryStore.open(join(raw.controller.stateDir, 'history.db'), { log: silentLogger(), clock });
    let inTick = false;
    const writes: Array<{ inTick: boolean; ops: number }> = [];
    const spy: HistorySink = {
      apply: (ops: readonly HistoryOp[], now, r, ids) => {
        writes.push({ inTick, ops: ops.length });
        real.apply(ops, now, r, ids);
      },
      points: (...a) => real.points(...a),
      events: (...a) => real.events(...a),
      close: () => real.close(),
    };
    const rec = new HistoryRecorder({ store: spy, clock, log: silentLogger(), retention: DEFAULTS, enclosureIds: ['gecko'], tickMs: cfg.controller.tickMs });
    const c = new Controller({
      config: cfg,
      hardware: new SimWorld(cfg, clock).hardware(),
      log: silentLogger(),
      observers: [
        {
          onTick: (o) => {
            inTick = true;
            try {
              rec.onTick(o);
            } finally {
              inTick = false;
            }
          },
          onRecovery: (ev) => rec.onRecovery(ev),
        },
      ],
    });
    const from = clock.now();
    rec.start();
    await drive(clock, c.start());
    await clock.advance(5 * MINUTE_MS);
    await drive(clock, c.stop());
    rec.stop();
    expect(writes.length).toBeGreaterThanOrEqual(5);
    expect(writes.filter((w) => w.inTick)).toEqual([]);
    const check = HistoryStore.openReadOnly(join(raw.controller.stateDir, 'history.db'));
    const points = check.points('gecko', from, clock.now() + 1, '1m');
    expect(points.length).toBeGreaterThanOrEqual(5);
    for (const p of points) {
      expect(p.temperatureC).toBeGreaterThan(10);
      expect(p.temperatureC).toBeLessThan(40);
      expect(p.setpointC).toBeGreaterThan(15);
      expect(Object.keys(p.outputs)).toEqual(expect.arrayContaining(['heater', 'lights', 'mister', 'fan']));
      for (const f of Object.values(p.outputs)) expect(f >= 0 && f <= 1).toBe(true);
      expect(p.coveredMs).toBeLessThanOrEqual(MINUTE_MS);
    }
    check.close();
  }, 60_000);

  it('survives wall-clock steps: no minute stretched or squeezed, nothing across a step, nothing left in the future after a step back', async () => {
    const { clock, rec, run, file } = rig();
    await run(5 * MINUTE_MS, () => ({ tempC: 25 }));
    clock.jumpWall(3600_000); // NTP steps forward an hour
    await run(5 * MINUTE_MS, () => ({ tempC: 25 }));
    const back = -(3600_000 + 10 * MINUTE_MS - 149_500); // and then back, to 2:29.5 after the start
    clock.jumpWall(back);
    expect(clock.now()).toBe(T0 + 149_500);
    await run(3 * MINUTE_MS, () => ({ tempC: 30 }));
    rec.stop();
    const now = clock.now();
    const reader = HistoryStore.openReadOnly(file);
    const points = reader.points('gecko', 0, Number.MAX_SAFE_INTEGER, '1m');
    for (const p of points) {
      expect(p.coveredMs).toBeLessThanOrEqual(MINUTE_MS);
      expect(p.t).toBeLessThan(now);
    }
    // before the step back: the first run's 2 full minutes at 25 °C; from the minute of the step back on: only the new 30 °C
    const split = T0 + 2 * MINUTE_MS;
    expect(points.filter((p) => p.t < split).map((p) => [p.temperatureC, p.coveredMs])).toEqual([
      [25, MINUTE_MS],
      [25, MINUTE_MS],
    ]);
    const after = points.filter((p) => p.t >= split);
    expect(after.map((p) => p.temperatureC)).toEqual([30, 30, 30, 30]);
    expect(after.reduce((n, p) => n + p.coveredMs, 0)).toBe(3 * MINUTE_MS);
    // the hour ahead is gone; the step back is told
    const events = reader.events('gecko', 0, Number.MAX_SAFE_INTEGER, 10);
    expect(events.map((e) => e.text)).toEqual(['wall clock stepped -4050 s']);
    expect(reader.points('gecko', 0, Number.MAX_SAFE_INTEGER, '15m').map((p) => p.t)).toEqual([T0]);
    reader.close();
  });

  it('records faults, feeds and mode changes as events a keeper can read, newest first', async () => {
    const { clock, rec, run } = rig();
    const fault: ControlEvent = { type: 'fault', fault: { kind: 'sensor-stale', component: 'air', at: T0 + 10_000, latched: false, message: 'no sample for 75 s' } };
    await run(MINUTE_MS, (wall) => ({
      events: wall === T0 + 10_000 ? [fault] : wall === T0 + 20_000 ? [{ type: 'feed', actuatorId: 'feeder', at: wall, reason: 'scheduled' }] : [],
      mode: wall >= T0 + 30_000 ? 'safe' : 'normal',
    }));
    rec.onRecovery({ enclosureId: 'gecko', component: 'air', fault: 'sensor-stale', strategy: 'reset', startedAt: T0 + 40_000, endedAt: T0 + 41_000, outcome: 'recovered' });
    await clock.advance(MINUTE_MS);
    expect(rec.events('gecko', T0, T0 + DAY).map((e) => [e.type, e.text])).toEqual([
      ['recovery', 'recovery of air (sensor-stale): reset, recovered'],
      ['mode', 'mode normal -> safe'],
      ['feed', 'fed (feeder, scheduled)'],
      ['fault', 'sensor-stale (air): no sample for 75 s'],
    ]);
    expect(rec.events('elsewhere', T0, T0 + DAY)).toEqual([]);
    expect(rec.points('elsewhere', T0, T0 + DAY)).toEqual([]);
    rec.stop();
  });
});
