import { describe, expect, it } from 'vitest';
import { type EnclosureConfig, parseConfig } from '../../src/config/load.js';
import { EnclosurePhysics } from '../../simulators/physics/enclosure-physics.js';
import { RoomModel } from '../../simulators/physics/room.js';

/**
 * The physics the newer fault kinds need: a surface node per heater with its own lag (where a
 * limit probe lies), lights with a configurable wattage and heat fraction, and the evaporative
 * cooling of misting.
 */

const START = Date.UTC(2024, 5, 3, 0, 0, 0);
const MIN = 60_000;

function enclosure(actuators: unknown[], physics: Record<string, unknown> = {}): EnclosureConfig {
  return parseConfig({
    controller: { id: 'test' },
    hardware: { backend: 'sim' },
    enclosures: [{ id: 'gecko', name: 'Gecko', profile: 'leopard-gecko', sensors: [{ id: 'air', type: 'bme280' }], actuators, physics }],
  }).enclosures[0];
}

const room = (): RoomModel => new RoomModel({ dayC: 20, nightC: 20, humidityPct: 50 });

function model(actuators: unknown[], physics: Record<string, unknown> = {}): EnclosurePhysics {
  return new EnclosurePhysics(enclosure(actuators, physics), room(), 0, START, 'UTC');
}

function runFor(p: EnclosurePhysics, fromMs: number, ms: number): number {
  for (let t = fromMs + 1000; t <= fromMs + ms; t += 1000) p.advanceTo(t, START + t);
  return fromMs + ms;
}

const mat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 30, output: { type: 'gpio', pin: 17 }, sensors: ['air'], ...extra });

describe('a surface node per heater', () => {
  it("a heat mat's own spot runs hotter than the basking surface and the air, and settles near its rated rise", () => {
    const p = model([mat()], { initialC: 20 });
    p.setOutput('mat', true);
    runFor(p, 0, 6 * 60 * MIN);
    const s = p.state();
    expect(s.heaterSurfaceC.mat).toBeGreaterThan(s.probeC + 2);
    expect(s.probeC).toBeGreaterThan(s.airC);
    // The mat's spot passes 30 W x 0.5 on at 8 K above the basking surface (heater-types.ts).
    expect(s.heaterSurfaceC.mat - s.probeC).toBeGreaterThan(5);
    expect(s.heaterSurfaceC.mat - s.probeC).toBeLessThan(8.5);
  });

  it('its lag is the configured surfaceLagSeconds: a slow spot trails a fast one after switch-on', () => {
    const warm = (lag: number): number => {
      const p = model([mat({ surfaceLagSeconds: lag })], { initialC: 20 });
      p.setOutput('mat', true);
      runFor(p, 0, 20 * MIN);
      return p.state().heaterSurfaceC.mat;
    };
    expect(warm(60) - warm(3600)).toBeGreaterThan(1);
  });

  it('the basking surface still settles as before: the heat the spot takes reaches it', () => {
    const p = model([mat()], { initialC: 20 });
    p.setOutput('mat', true);
    runFor(p, 0, 8 * 60 * MIN);
    const a = p.state().probeC;
    runFor(p, 8 * 60 * MIN, 60 * MIN);
    expect(Math.abs(p.state().probeC - a)).toBeLessThan(0.3); // steady
  });
});

describe('lights', () => {
  it('heat the air by powerW x heatFraction: the default 20 W x 0.5, a 100 W lamp at 0.8 much more', () => {
    const rise = (light: Record<string, unknown>): number => {
      const p = model([{ id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 }, ...light }], { initialC: 20 });
      p.setOutput('lights', true);
      runFor(p, 0, 3 * 60 * MIN);
      return p.state().airC - 20;
    };
    const byDefault = rise({});
    const explicit = rise({ powerW: 20, heatFraction: 0.5 });
    const big = rise({ powerW: 100, heatFraction: 0.8 });
    expect(byDefault).toBeCloseTo(explicit, 6);
    expect(byDefault).toBeGreaterThan(0.2);
    // Linear model: eight times the heat gives about eight times the rise.
    expect(big / byDefault).toBeGreaterThan(6);
    expect(big / byDefault).toBeLessThan(10);
    expect(rise({ heatFraction: 0 })).toBeLessThan(0.05);
  });
});

describe('misting', () => {
  it('cools the air while its water evaporates (2.45 kJ per gram)', () => {
    const after = (mist: boolean): { airC: number; humidityPct: number } => {
      const p = model([{ id: 'mister', kind: 'mister', output: { type: 'gpio', pin: 22 } }], { initialC: 28, initialHumidityPct: 30 });
      runFor(p, 0, 30 * MIN);
      p.setOutput('mister', mist);
      runFor(p, 30 * MIN, MIN);
      p.setOutput('mister', false);
      runFor(p, 31 * MIN, 5 * MIN);
      return p.state();
    };
    const dry = after(false);
    const misted = after(true);
    expect(misted.humidityPct).toBeGreaterThan(dry.humidityPct + 10);
    expect(dry.airC - misted.airC).toBeGreaterThan(0.3);
  });
});
