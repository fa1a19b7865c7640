import { describe, expect, it } from 'vitest';
import { type EnclosureConfig, parseConfig } from '../../src/config/load.js';
import { type ControlState, type PlanContext, initialControlState, planEnclosure } from '../../src/control/plan.js';
import type { Quality, Reading, ReadingsBySensor } from '../../src/devices/reading.js';
import { fuseMeasurements } from '../../src/control/fusion.js';
import type { OperatorInputs } from '../../src/control/types.js';

const gpio = (pin: number) => ({ type: 'gpio', pin, activeLow: true });
const enc: EnclosureConfig = parseConfig({
  controller: { id: 'test', timezone: 'Europe/Berlin' },
  hardware: { backend: 'sim' },
  enclosures: [
    {
      id: 'gecko',
      name: 'Leopard gecko',
      profile: 'leopard-gecko',
      sensors: [
        { id: 'air', type: 'bme280' },
        { id: 'probe', type: 'ds18b20', deviceId: '28-000005e2fdc3' },
        { id: 'mat-probe', type: 'ds18b20', deviceId: '28-000005e2fdc4' },
      ],
      actuators: [
        { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: gpio(17), sensors: ['air', 'probe'] },
        { id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: gpio(18), sensors: ['probe'], limit: { sensor: 'mat-probe', maxC: 35 }, timeProportioning: { periodSeconds: 600 } },
        { id: 'lights', kind: 'light', output: gpio(27) },
        { id: 'led', kind: 'light', output: { type: 'pca9685', channel: 1 } },
        { id: 'mister', kind: 'mister', output: gpio(22) },
        { id: 'fan', kind: 'fan', output: gpio(23) },
        { id: 'cutoff', kind: 'cutoff', output: gpio(24) },
        { id: 'feeder', kind: 'feeder', drive: { type: 'servo', channel: 0 } },
      ],
    },
  ],
}).enclosures[0];

const utc = (iso: string): number => Date.parse(iso);
const reading = (sensorId: string, quantity: Reading['quantity'], value: number | null, quality: Quality = 'ok'): Reading => ({ sensorId, quantity, value, at: 0, quality });
function readings(airC: number | null, rh: number | null, quality: Quality = 'ok', matC = 30): ReadingsBySensor {
  return {
    air: { temperature: reading('air', 'temperature', airC, quality), humidity: reading('air', 'humidity', rh, quality) },
    probe: { temperature: reading('probe', 'temperature', airC, quality) },
    'mat-probe': { temperature: reading('mat-probe', 'temperature', matC) },
  };
}
const ctx = (iso: string, mono: number, extra: Partial<PlanContext> = {}): PlanContext => ({ now: utc(iso), mono, timezone: 'Europe/Berlin', clockPlausible: true, mode: 'normal', ...extra });
const plan = (bySensor: ReadingsBySensor, state: ControlState, c: PlanContext, op: OperatorInputs = {}) => planEnclosure(enc, fuseMeasurements(enc, bySensor), op, state, c);
const H = 3_600_000;

describe('planEnclosure', () => {
  it('plans every actuator except feeders and the cutoff', () => {
    const r = plan(readings(27, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H));
    expect(Object.keys(r.plan).sort()).toEqual(['fan', 'heater', 'led', 'lights', 'mat', 'mister']);
    expect(Object.keys(r.state.heaters).sort()).toEqual(['heater', 'mat']);
  });

  it('switches from the night to the day setpoint at local 08:00 on the spring-forward day, with a phase event', () => {
    const before = plan(readings(25, 40), initialControlState(enc), ctx('2027-03-28T05:59:59Z', H));
    expect([before.phase, before.setpointC, before.plan.lights.on, before.plan.heater.on]).toEqual(['night', 22, false, false]);
    const after = plan(readings(25, 40), before.state, ctx('2027-03-28T06:00:00Z', H + 1000));
    expect([after.phase, after.setpointC, after.plan.lights.on, after.plan.heater.on]).toEqual(['dawn', 28, true, true]);
    expect(after.events).toContainEqual({ type: 'phase', phase: 'dawn', at: utc('2027-03-28T06:00:00Z') });
  });

  it('switches back to the night setpoint at local 20:00 on the fall-back day', () => {
    const day = plan(readings(28, 40), initialControlState(enc), ctx('2027-10-31T18:59:59Z', H));
    const night = plan(readings(28, 40), day.state, ctx('2027-10-31T19:00:00Z', H + 1000));
    expect([day.setpointC, night.setpointC, night.phase, night.plan.lights.on]).toEqual([28, 22, 'night', false]);
  });

  it('drives a stale probe\'s heater by the fallback duty on the very next plan call', () => {
    const heating = plan(readings(24, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H));
    expect(heating.plan.heater.on).toBe(true);
    const stale = plan(readings(24, 40, 'stale'), heating.state, ctx('2027-06-10T10:00:01Z', H + 1000));
    expect([stale.plan.heater.on, stale.fallbacks]).toEqual([false, ['heater', 'mat', 'mister']]);
    expect(stale.plan.heater.reason).toMatch(/^fallback duty 30 % of 30 min: temperature stale/);
    expect(stale.events.filter((e) => e.type === 'notice').map((e) => (e as { message: string }).message)).toContain(
      'heater heater: fallback rule active (fallback duty 30 % of 30 min: temperature stale (air))',
    );
    // 21 min into the fallback period the 30 % on share (last 9 min of 30) has started
    const onShare = plan(readings(24, 40, 'stale'), stale.state, ctx('2027-06-10T10:21:01Z', H + 1000 + 21 * 60_000));
    expect(onShare.plan.heater.on).toBe(true);
  });

  it('uses the night fallback duty at night', () => {
    const r = plan(readings(null, null, 'missing'), initialControlState(enc), ctx('2027-06-10T22:00:00Z', H));
    expect(r.plan.heater.reason).toMatch(/^fallback duty 20 % of 30 min/);
  });

  it('keeps lights off and uses the night setpoint while the clock is not plausible, saying so once', () => {
    const first = plan(readings(25, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H, { clockPlausible: false }));
    expect([first.phase, first.lightLevel, first.setpointC, first.plan.lights.on, first.plan.led]).toEqual([
      'night',
      0,
      22,
      false,
      { on: false, level: 0, reason: 'clock not plausible: lights off (safe default)' },
    ]);
    expect(first.events.filter((e) => e.type === 'notice')).toHaveLength(1);
    const second = plan(readings(25, 40), first.state, ctx('2027-06-10T10:00:01Z', H + 1000, { clockPlausible: false }));
    expect(second.events).toEqual([]);
  });

  it('ramps a dimmable light at dawn', () => {
    const r = plan(readings(28, 40), initialControlState(enc), ctx('2027-06-10T06:15:00Z', H)); // 08:15 CEST, 30 min ramp
    expect([r.plan.led.on, r.plan.led.level, r.plan.lights.on]).toEqual([true, 0.5, true]);
  });

  it('follows manual outputs only in manual mode', () => {
    const op: OperatorInputs = { manualOutputs: { lights: false, heater: true, mister: true } };
    const auto = plan(readings(29, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H), op);
    expect([auto.plan.lights.on, auto.plan.heater.on, auto.plan.mister.on]).toEqual([true, false, false]);
    const manual = plan(readings(29, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H, { mode: 'manual' }), op);
    expect([manual.plan.lights.on, manual.plan.heater.on, manual.plan.mister.on, manual.plan.led.on]).toEqual([false, true, true, true]);
    expect([manual.state.heaters.heater.on, manual.state.heaters.heater.changedAtMono]).toEqual([true, H]);
  });

  it('keeps every heater off in safe mode unless the air nears the profile minimum (frost protection, 16 °C)', () => {
    const warm = plan(readings(17, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H, { mode: 'safe' }));
    expect([warm.plan.heater.on, warm.plan.mat.on]).toEqual([false, false]);
    expect(warm.plan.heater.reason).toMatch(/^frost protection: 17\.0 °C, heat locked out/);
    const cold = plan(readings(16.4, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H, { mode: 'safe' }));
    expect(cold.plan.heater.on).toBe(true);
    expect(cold.plan.heater.reason).toMatch(/^frost protection: 16\.4 °C near the 16\.0 °C minimum/);
    // Hysteresis: once on, it heats up to minC + 1.5 °C.
    const holding = plan(readings(17.4, 40), cold.state, ctx('2027-06-10T10:00:01Z', H + 1000, { mode: 'safe' }));
    expect(holding.plan.heater.on).toBe(true);
    const done = plan(readings(17.5, 40), holding.state, ctx('2027-06-10T10:00:02Z', H + 2000, { mode: 'safe' }));
    expect(done.plan.heater.on).toBe(false);
    // No trustworthy temperature: never on.
    expect(plan(readings(null, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H, { mode: 'safe' })).plan.heater.on).toBe(false);
  });

  it('reports an operator setpoint override and the season', () => {
    const op: OperatorInputs = { setpointOverride: { valueC: 30, until: utc('2027-01-10T13:00:00Z') } };
    const r = plan(readings(28, 40), initialControlState(enc), ctx('2027-01-10T12:00:00Z', H), op);
    expect([r.setpointC, r.setpointOverridden, r.season]).toEqual([30, true, null]);
    const winter = plan(readings(28, 40), initialControlState(enc), ctx('2027-01-10T12:00:00Z', H));
    expect([winter.setpointC, winter.season]).toEqual([27, 'winter cool-down']);
  });

  it('keeps a JSON-serialisable state and tolerates a restored state missing an actuator', () => {
    const r = plan(readings(24, 40), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H));
    expect(JSON.parse(JSON.stringify(r.state))).toEqual(r.state);
    const partial: ControlState = { ...r.state, heaters: {} };
    expect(plan(readings(24, 40), partial, ctx('2027-06-10T10:00:01Z', H + 1000)).plan.heater.on).toBe(true);
  });

  it('stays right across day changes, wall-clock jumps and a zone change with the day cached in the state', () => {
    const steps: Array<[string, string, string]> = [
      ['2027-03-27T06:30:00Z', 'Europe/Berlin', 'night'], // 07:30 CET
      ['2027-03-28T06:00:00Z', 'Europe/Berlin', 'dawn'], // next day 08:00 CEST (clock jumped a day forward)
      ['2027-03-27T06:59:59Z', 'Europe/Berlin', 'night'], // jumped back: 07:59:59 CET
      ['2027-03-27T07:00:00Z', 'Europe/Berlin', 'dawn'], // 08:00 CET
      ['2027-03-27T07:00:00Z', 'UTC', 'night'], // same instant, 07:00 UTC: lights on at 08:00 UTC
    ];
    let state = initialControlState(enc);
    steps.forEach(([iso, timezone, phase], i) => {
      const r = plan(readings(25, 40), state, ctx(iso, H + i * 1000, { timezone }));
      expect([iso, timezone, r.phase]).toEqual([iso, timezone, phase]);
      state = r.state;
    });
  });

  it('turns the fan on over humidity and the mister on under it', () => {
    expect(plan(readings(28, 60), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H)).plan.fan.on).toBe(true);
    expect(plan(readings(28, 20), initialControlState(enc), ctx('2027-06-10T10:00:00Z', H)).plan.mister.on).toBe(true);
  });
});
