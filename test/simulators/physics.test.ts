import { describe, expect, it } from 'vitest';
import { type EnclosureConfig, parseConfig } from '../../src/config/load.js';
import { EnclosurePhysics } from '../../simulators/physics/enclosure-physics.js';
import { SimTimeReversedError, UnknownSimActuatorError } from '../../simulators/physics/errors.js';
import { RoomModel } from '../../simulators/physics/room.js';

const START = Date.UTC(2024, 5, 3, 0, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

/** One enclosure through the real config loader, so defaults are the shipped ones. */
function enclosure(physics: Record<string, unknown> = {}, actuators?: unknown[]): EnclosureConfig {
  const cfg = parseConfig({
    controller: { id: 'test' },
    hardware: { backend: 'sim' },
    enclosures: [
      {
        id: 'gecko',
        name: 'Gecko',
        profile: 'leopard-gecko',
        sensors: [{ id: 'air', type: 'bme280' }],
        actuators: actuators ?? [
          { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air'] },
          { id: 'mister', kind: 'mister', output: { type: 'gpio', pin: 22 } },
          { id: 'fan', kind: 'fan', output: { type: 'gpio', pin: 23 } },
          { id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 } },
        ],
        physics,
      },
    ],
  });
  return cfg.enclosures[0];
}

const steadyRoom = (c = 20, rh = 50): RoomModel => new RoomModel({ dayC: c, nightC: c, humidityPct: rh });

/** Runs the model tick by tick (1 s) for `ms`, calling `each` after every tick. */
function run(p: EnclosurePhysics, fromMs: number, ms: number, each?: (atMs: number) => void): number {
  for (let t = fromMs + 1000; t <= fromMs + ms; t += 1000) {
    p.advanceTo(t, START + t);
    each?.(t);
  }
  return fromMs + ms;
}

describe('enclosure physics: heat', () => {
  it('warms a 90x45x45 glass enclosure with a 100 W ceramic emitter from 20 °C to 30 °C in tens of minutes', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    p.setOutput('heater', true);
    let reachedMs = -1;
    run(p, 0, 3 * HOUR, (t) => {
      if (reachedMs < 0 && p.state().airC >= 30) reachedMs = t;
    });
    expect(reachedMs).toBeGreaterThanOrEqual(10 * MIN);
    expect(reachedMs).toBeLessThanOrEqual(60 * MIN);
  });

  it('settles well above 30 °C but below 60 °C with the heater always on, so a thermostat must cycle', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    p.setOutput('heater', true);
    p.advanceTo(4 * 24 * HOUR, START + 4 * 24 * HOUR);
    const airC = p.state().airC;
    expect(airC).toBeGreaterThan(34);
    expect(airC).toBeLessThan(60);
    // Bounded by the uniform-temperature equilibrium room + P / total loss (the floor runs hotter than the air).
    expect(airC).toBeLessThan(20 + 100 / p.params.totalLossWPerK);
  });

  it('relaxes to room temperature with nothing on', () => {
    const p = new EnclosurePhysics(enclosure({ initialC: 32 }), steadyRoom(20), 0, START, 'UTC');
    expect(p.state().airC).toBe(32);
    p.advanceTo(3 * 24 * HOUR, START + 3 * 24 * HOUR);
    // Within 0.1 K: the substrate is still taking up vapour (and its sorption heat) after three days.
    expect(Math.abs(p.state().airC - 20)).toBeLessThan(0.1);
    expect(Math.abs(p.state().probeC - 20)).toBeLessThan(0.1);
  });

  it('warms the probe surface under the emitter above the air it heats', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    p.setOutput('heater', true);
    p.advanceTo(2 * HOUR, START + 2 * HOUR);
    const s = p.state();
    expect(s.probeC).toBeGreaterThan(s.airC + 3);
    expect(s.heaterC.heater).toBeGreaterThan(200);
  });

  it('warms a ceramic emitter in minutes, a heat mat slower and a basking lamp within a minute', () => {
    const heater = (id: string, heaterType: string, pin: number): unknown => ({ id, kind: 'heater', heaterType, powerW: 50, output: { type: 'gpio', pin }, sensors: ['air'] });
    const cfg = enclosure({}, [heater('che', 'ceramic-heat-emitter', 5), heater('mat', 'heat-mat', 6), heater('lamp', 'basking-lamp', 13)]);
    const fractionAfter = (id: string, ms: number): number => {
      const p = new EnclosurePhysics(cfg, steadyRoom(20), 0, START, 'UTC');
      p.setOutput(id, true);
      p.advanceTo(ms, START + ms);
      const rise = p.state().heaterC[id] - p.state().airC;
      p.advanceTo(24 * HOUR, START + 24 * HOUR);
      return rise / (p.state().heaterC[id] - p.state().airC);
    };
    expect(fractionAfter('lamp', MIN)).toBeGreaterThan(0.9);
    expect(fractionAfter('che', MIN)).toBeLessThan(0.3);
    expect(fractionAfter('che', 15 * MIN)).toBeGreaterThan(0.9);
    expect(fractionAfter('mat', 15 * MIN)).toBeLessThan(0.6);
  });

  it('loses heat much faster through an all-mesh cage than through glass, and slowest through wood', () => {
    const loss = (material: string): number => new EnclosurePhysics(enclosure({ material }), steadyRoom(), 0, START, 'UTC').params.totalLossWPerK;
    expect(loss('mesh')).toBeGreaterThan(1.5 * loss('glass'));
    expect(loss('wood')).toBeLessThan(loss('glass'));
    expect(loss('pvc')).toBeLessThan(loss('glass'));
  });

  it('uses the configured loss coefficient and heat capacity, and conserves energy at steady state', () => {
    const p = new EnclosurePhysics(enclosure({ lossWPerK: 4, heatCapacityJPerK: 50_000 }), steadyRoom(20), 0, START, 'UTC');
    expect(p.params.totalLossWPerK).toBeCloseTo(4, 9);
    expect(p.params.totalCapacityJPerK).toBeCloseTo(50_000, 6);
    p.setOutput('heater', true);
    p.advanceTo(20 * 24 * HOUR, START + 20 * 24 * HOUR);
    // Every watt the heater puts in leaves through the shell and air exchange (air node) or the floor (substrate node).
    const s = p.state();
    const k = p.params;
    const substrateC = 20 + (100 - (k.airToRoomWPerK + k.naturalFlowM3PerS * 1206) * (s.airC - 20)) / k.floorToRoomWPerK;
    expect(substrateC).toBeGreaterThan(s.airC);
    expect(substrateC).toBeLessThan(s.probeC);
    // The uniform-temperature equilibrium bounds the air from above.
    expect(s.airC).toBeLessThan(20 + 100 / 4);
    expect(s.airC).toBeGreaterThan(20 + 100 / 4 - 5);
  });

  it('adds heat while the lights are on', () => {
    const lit = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    const dark = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    lit.setOutput('lights', true);
    lit.advanceTo(6 * HOUR, START + 6 * HOUR);
    dark.advanceTo(6 * HOUR, START + 6 * HOUR);
    expect(lit.state().airC - dark.state().airC).toBeGreaterThan(0.5);
  });

  it('cools faster with the fan running', () => {
    const withFan = new EnclosurePhysics(enclosure({ initialC: 30 }), steadyRoom(20), 0, START, 'UTC');
    const without = new EnclosurePhysics(enclosure({ initialC: 30 }), steadyRoom(20), 0, START, 'UTC');
    withFan.setOutput('fan', true);
    withFan.advanceTo(10 * MIN, START + 10 * MIN);
    without.advanceTo(10 * MIN, START + 10 * MIN);
    expect(withFan.state().airC).toBeLessThan(without.state().airC - 0.5);
  });
});

describe('enclosure physics: heater faults and cutoff', () => {
  it('gives no heat from a dead heater whose relay is on', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20), 0, START, 'UTC');
    p.setHeaterFault('heater', 'dead');
    p.setOutput('heater', true);
    expect(p.heaterIsHeating('heater')).toBe(false);
    p.advanceTo(HOUR, START + HOUR);
    expect(p.state().airC).toBeCloseTo(20, 6);
  });

  it('keeps heating with a stuck-on relay after the output is switched off, until a cutoff opens', () => {
    const actuators = [
      { id: 'heater', kind: 'heater', heaterType: 'ceramic-heat-emitter', powerW: 100, output: { type: 'gpio', pin: 17 }, sensors: ['air'] },
      { id: 'master', kind: 'cutoff', output: { type: 'gpio', pin: 24 } },
    ];
    const p = new EnclosurePhysics(enclosure({}, actuators), steadyRoom(20), 0, START, 'UTC');
    p.setHeaterFault('heater', 'stuck-on');
    p.setOutput('heater', false);
    expect(p.heaterIsHeating('heater')).toBe(true);
    p.advanceTo(HOUR, START + HOUR);
    const heated = p.state().airC;
    expect(heated).toBeGreaterThan(28);
    p.setOutput('master', false);
    expect(p.heaterIsHeating('heater')).toBe(false);
    p.setHeaterFault('heater', null);
    p.setOutput('master', true);
    expect(p.heaterIsHeating('heater')).toBe(false);
  });

  it('names the unknown actuator and the known ones', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(), 0, START, 'UTC');
    expect(() => p.setOutput('heatr', true)).toThrow(UnknownSimActuatorError);
    expect(() => p.setOutput('heatr', true)).toThrow(/no actuator "heatr" \(known: heater, mister, fan, lights\)/);
    expect(() => p.heaterIsHeating('fan')).toThrow(/no heater "fan" \(known: heater\)/);
  });

  it('refuses to go back in monotonic time', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(), 5000, START, 'UTC');
    expect(() => p.advanceTo(4000, START)).toThrow(SimTimeReversedError);
  });
});

describe('enclosure physics: integration', () => {
  it('gives bit-identical results whether advanced per tick or in one call', () => {
    const room = new RoomModel({ dayC: 23, nightC: 17, humidityPct: 55 });
    const a = new EnclosurePhysics(enclosure(), room, 0, START, 'Europe/Berlin');
    const b = new EnclosurePhysics(enclosure(), room, 0, START, 'Europe/Berlin');
    a.setOutput('heater', true);
    b.setOutput('heater', true);
    run(a, 0, 2 * HOUR);
    b.advanceTo(2 * HOUR, START + 2 * HOUR);
    expect(a.state()).toEqual(b.state());
  });

  it('stays stable in the smallest all-mesh cage with a fan and a hot lamp (no oscillation)', () => {
    const actuators = [
      { id: 'lamp', kind: 'heater', heaterType: 'basking-lamp', powerW: 60, output: { type: 'gpio', pin: 17 }, sensors: ['air'] },
      { id: 'fan', kind: 'fan', output: { type: 'gpio', pin: 23 } },
      { id: 'mister', kind: 'fogger', output: { type: 'gpio', pin: 22 } },
    ];
    const p = new EnclosurePhysics(enclosure({ widthCm: 10, depthCm: 10, heightCm: 10, material: 'mesh' }, actuators), steadyRoom(20), 0, START, 'UTC');
    p.setOutput('lamp', true);
    p.setOutput('fan', true);
    p.setOutput('mister', true);
    // Explicit Euler beyond its stability limit flips sign every step; a stable run changes
    // direction at most a couple of times (the fog's evaporative dip, then the lamp's warming).
    let prev = p.state().airC;
    let prevDelta = 0;
    let reversals = 0;
    run(p, 0, 30 * MIN, () => {
      const s = p.state();
      expect(Number.isFinite(s.airC) && Number.isFinite(s.probeC) && Number.isFinite(s.humidityPct)).toBe(true);
      expect(s.humidityPct).toBeLessThanOrEqual(100);
      const delta = s.airC - prev;
      if (delta * prevDelta < 0) reversals++;
      prevDelta = delta;
      prev = s.airC;
    });
    expect(reversals).toBeLessThanOrEqual(2);
    expect(prev).toBeGreaterThan(40);
  });
});

describe('enclosure physics: humidity', () => {
  it('starts at the room\'s absolute humidity and reports relative humidity by Magnus at the air temperature', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20, 50), 0, START, 'UTC');
    expect(p.state().humidityPct).toBeCloseTo(50, 9);
    expect(p.state().roomHumidityPct).toBe(50);
    expect(p.state().pressurePa).toBeGreaterThan(101_325 - 400);
    expect(p.state().pressurePa).toBeLessThan(101_325 + 400);
  });

  it('raises relative humidity while misting, cools the air by evaporation, and dries out again', () => {
    const p = new EnclosurePhysics(enclosure({ initialC: 26 }), steadyRoom(26, 40), 0, START, 'UTC');
    const before = p.state();
    p.setOutput('mister', true);
    p.advanceTo(10_000, START + 10_000);
    p.setOutput('mister', false);
    p.advanceTo(5 * MIN, START + 5 * MIN);
    const after = p.state();
    expect(after.humidityPct).toBeGreaterThan(before.humidityPct + 10);
    expect(after.airC).toBeLessThan(before.airC);
    p.advanceTo(12 * HOUR, START + 12 * HOUR);
    expect(p.state().humidityPct).toBeLessThan(before.humidityPct + 5);
  });

  it('never reports more than 100 %RH, however long the mister runs', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20, 60), 0, START, 'UTC');
    p.setOutput('mister', true);
    run(p, 0, 20 * MIN, () => expect(p.state().humidityPct).toBeLessThanOrEqual(100));
    expect(p.state().humidityPct).toBeGreaterThan(95);
  });

  it('lowers humidity faster with the fan running', () => {
    const humid = { initialC: 25, initialHumidityPct: 90 };
    const withFan = new EnclosurePhysics(enclosure(humid), steadyRoom(25, 40), 0, START, 'UTC');
    const without = new EnclosurePhysics(enclosure(humid), steadyRoom(25, 40), 0, START, 'UTC');
    withFan.setOutput('fan', true);
    withFan.advanceTo(3 * MIN, START + 3 * MIN);
    without.advanceTo(3 * MIN, START + 3 * MIN);
    expect(withFan.state().humidityPct).toBeLessThan(without.state().humidityPct - 10);
  });

  it('lowers relative humidity when the heater warms the same air', () => {
    const p = new EnclosurePhysics(enclosure(), steadyRoom(20, 50), 0, START, 'UTC');
    p.setOutput('heater', true);
    p.advanceTo(30 * MIN, START + 30 * MIN);
    expect(p.state().humidityPct).toBeLessThan(40);
  });
});
