import { describe, expect, it } from 'vitest';
import { FanSchema } from '../../src/config/enclosure-schema.js';
import type { Reading } from '../../src/devices/reading.js';
import { type FanState, initialFanState, stepFan } from '../../src/control/fan.js';

const MIN = 60_000;
const fan = FanSchema.parse({ id: 'fan', kind: 'fan', output: { type: 'gpio', pin: 23 }, maxOnMinutes: 30, restMinutes: 10 });
const t = (value: number): Reading => ({ sensorId: 'air', quantity: 'temperature', value, at: 0, quality: 'ok' });
const h = (value: number): Reading => ({ sensorId: 'air', quantity: 'humidity', value, at: 0, quality: 'ok' });
const stale = (r: Reading): Reading => ({ ...r, quality: 'stale' });
const target = { maxHumidityPct: 50, bandTopC: 28.5 };
const T0 = 3_600_000;
const on = (extra: Partial<FanState> = {}): FanState => ({ on: true, onSinceMono: T0, restUntilMono: null, ...extra });

describe('fan', () => {
  it.each([
    ['humidity above maxPct', initialFanState(), t(25), h(51), true],
    ['humidity at maxPct', initialFanState(), t(25), h(50), false],
    ['temperature more than 1 °C above the band top', initialFanState(), t(29.6), h(40), true],
    ['temperature within the 1 °C margin', initialFanState(), t(29.4), h(40), false],
    ['running, humidity still above maxPct - 5', on(), t(25), h(46), true],
    ['running, humidity down to maxPct - 5', on(), t(25), h(45), false],
    ['running, temperature still above the band top', on(), t(28.6), h(40), true],
    ['running, temperature back at the band top', on(), t(28.5), h(40), false],
    ['both readings untrustworthy', on(), stale(t(35)), stale(h(90)), false],
  ])('%s -> on=%s', (_name, st, temp, hum, expected) => {
    expect(stepFan(fan, temp, hum, target, st, T0 + MIN).cmd.on).toBe(expected);
  });

  it('stops after maxOnMinutes and rests restMinutes before running again', () => {
    let st = initialFanState();
    const onMinutes: number[] = [];
    for (let m = 0; m < 90; m++) {
      const r = stepFan(fan, t(25), h(80), target, st, T0 + m * MIN);
      if (r.cmd.on) onMinutes.push(m);
      st = r.state;
    }
    // on 0..29, rest 30..39, on 40..69, rest 70..79, on 80..89
    expect(onMinutes).toHaveLength(70);
    expect([onMinutes[29], onMinutes[30], onMinutes[59], onMinutes[60]]).toEqual([29, 40, 69, 80]);
  });

  it('ignores a rest deadline left over from a previous run', () => {
    const st: FanState = { on: false, onSinceMono: null, restUntilMono: T0 + 100 * MIN };
    expect(stepFan(fan, t(25), h(80), target, st, T0).cmd.on).toBe(true);
  });
});
