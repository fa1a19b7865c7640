import { describe, expect, it } from 'vitest';
import { diagnoseRig } from './diag-rig.js';
import { simConfig } from './physics-harness.js';

/**
 * Diagnosis on the physics rig (the simulator's physics, a plain thermostat, noisy quantised probes):
 * fault-free weeks raise nothing; each injected fault is named as the right component and kind.
 */

const emitter = (material: string, lights = true) => (r: any) => {
  r.enclosures[0].physics.material = material;
  r.enclosures[0].actuators = r.enclosures[0].actuators.filter((a: any) => a.kind === 'heater' || (lights && a.kind === 'light'));
};
const lamp = (r: any) => {
  emitter('mesh', false)(r);
  r.enclosures[0].actuators[0] = { ...r.enclosures[0].actuators[0], heaterType: 'basking-lamp', powerW: 75 };
};
const mat = (r: any) => {
  const e = r.enclosures[0];
  e.sensors[1].placement = 'surface';
  e.actuators = [
    { id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 30, output: { type: 'gpio', pin: 17 }, sensors: ['air'], limit: { sensor: 'probe', maxC: 38 } },
    { id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 } },
  ];
};

/** 1.5 days in (the model is fitted), 02:00 into the day setpoint's morning... any time works. */
const AT = 1.5 * 86_400_000 + 2 * 3_600_000;
const minutesAfter = (mono: number): number => (mono - AT) / 60_000;

describe('no fault is raised in fault-free weeks', () => {
  const cases = [
    ['glass, 100 W emitter, lit, 0.05 °C probes', emitter('glass'), 0.05],
    ['mesh, 75 W basking lamp, unlit, noisy 0.2 °C probes', lamp, 0.2],
    ['glass, 30 W mat with a surface limit probe, lit, quiet 0.01 °C probes', mat, 0.01],
    ['mesh, 100 W emitter, lit, quiet 0.01 °C probes', emitter('mesh'), 0.01],
  ] as const;
  for (const [name, edit, noiseC] of cases) {
    it.each([1, 2, 3])(`${name}, seed %i, 7 days`, (seed) => {
      const { raised } = diagnoseRig(simConfig(edit), { days: 7, seed, noiseC });
      expect(raised.map((f) => `${f.kind}:${f.component}: ${f.message}`)).toEqual([]);
    });
  }
});

describe('faults are named as the right component', () => {
  it('a BME280 frozen while heating is the sensor, not the heater: distrusted within minutes, the heater not blamed', () => {
    let frozen: number | null = null;
    const at = 2 * 86_400_000 + 7.9 * 3_600_000; // just before the morning's heat-up to the day setpoint
    const { raised, diag } = diagnoseRig(simConfig(emitter('glass')), {
      days: 2.5,
      distort: (id, v, s) => {
        if (id !== 'air' || s.mono < at) return v;
        frozen ??= v;
        return frozen;
      },
    });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['sensor-frozen', 'air']]);
    expect((raised[0].mono - at) / 60_000).toBeLessThan(15);
    expect(diag.distrusted().has('air')).toBe(true);
  });

  it('a +2 °C offset (step) on the DS18B20: sensor-offset on the probe within 5 min', () => {
    const { raised } = diagnoseRig(simConfig(emitter('glass')), { days: 2, distort: (id, v, s) => (id === 'probe' && s.mono >= AT ? v + 2 : v) });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['sensor-offset', 'probe']]);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(5);
  });

  it('a BME280 drifting +1 °C/h: sensor-drift on it, not on its peer, within an hour', () => {
    const { raised } = diagnoseRig(simConfig(emitter('glass')), { days: 2.5, distort: (id, v, s) => (id === 'air' && s.mono >= AT ? v + (s.mono - AT) / 3_600_000 : v) });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['sensor-drift', 'air']]);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(60);
  });

  it('a DS18B20 drifting -0.5 °C/h: sensor-drift on the probe', () => {
    const { raised } = diagnoseRig(simConfig(emitter('glass')), { days: 2.5, distort: (id, v, s) => (id === 'probe' && s.mono >= AT ? v - (0.5 * (s.mono - AT)) / 3_600_000 : v) });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['sensor-drift', 'probe']]);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(120);
  });

  it('a mat\'s surface probe that falls off and reads the air: sensor-detached on the probe at once', () => {
    let air = 0;
    const { raised, diag } = diagnoseRig(simConfig(mat), {
      days: 2,
      distort: (id, v, s) => {
        if (id === 'air') air = v;
        return id === 'probe' && s.mono >= AT ? air : v;
      },
    });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['sensor-detached', 'probe']]);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(3);
    expect(diag.distrusted().has('probe')).toBe(true);
  });

  it.each([
    ['emitter', emitter('glass'), 'heater', 'air'],
    ['mat (seen on its surface probe)', mat, 'mat', 'probe'],
  ] as const)('a stuck relay of a %s is stuck-relay on that heater within 25 min', (_n, edit, id, node) => {
    const { raised } = diagnoseRig(simConfig(edit), { days: 2, heaterFault: { id, fault: 'stuck-on', fromMs: AT } });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['stuck-relay', id]]);
    expect(raised[0].message).toContain(node === 'air' ? 'the air' : node);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(25);
  });

  it.each([
    ['emitter', emitter('glass'), 'heater'],
    ['mat', mat, 'mat'],
  ] as const)('a dead %s is heater-no-heat on that heater, no sensor blamed', (_n, edit, id) => {
    const { raised } = diagnoseRig(simConfig(edit), { days: 2, heaterFault: { id, fault: 'dead', fromMs: AT } });
    expect(raised.map((f) => [f.kind, f.component])).toEqual([['heater-no-heat', id]]);
    expect(minutesAfter(raised[0].mono)).toBeLessThan(30);
  });

  it('a frozen sensor that comes back is trusted again', () => {
    let frozen: number | null = null;
    const at = 2 * 86_400_000 + 7.9 * 3_600_000;
    const until = at + 2 * 3_600_000;
    const { diag, raised } = diagnoseRig(simConfig(emitter('glass')), {
      days: 2.6,
      distort: (id, v, s) => {
        if (id !== 'air' || s.mono < at || s.mono >= until) return v;
        frozen ??= v;
        return frozen;
      },
    });
    expect(raised.map((f) => f.kind)).toEqual(['sensor-frozen']);
    expect(diag.distrusted().size).toBe(0);
    expect(diag.faults()).toEqual([]);
  });
});
