import { describe, expect, it } from 'vitest';
import { EnclosureModel } from '../../src/model/thermal-model.js';
import { fitOnRig } from './fit-rig.js';
import { simConfig, trueRise } from './physics-harness.js';

const emitterOnly = (material: string) => (r: any) => {
  r.enclosures[0].physics.material = material;
  r.enclosures[0].actuators = r.enclosures[0].actuators.filter((a: any) => a.kind === 'heater' || a.kind === 'light');
};
const matWithProbe = (r: any) => {
  const e = r.enclosures[0];
  e.sensors[1].placement = 'surface';
  e.actuators = [
    { id: 'mat', kind: 'heater', heaterType: 'heat-mat', powerW: 30, output: { type: 'gpio', pin: 17 }, sensors: ['air'], limit: { sensor: 'probe', maxC: 38 } },
    { id: 'lights', kind: 'light', output: { type: 'gpio', pin: 27 } },
  ];
};

describe('enclosure model fitted online to simulated enclosures with known parameters', () => {
  it('recovers a 100 W emitter\'s warming of the air (glass) within 15 %', () => {
    const cfg = simConfig(emitterOnly('glass'));
    const m = fitOnRig(cfg, 4, true);
    // physics: 60 % of 100 W into the air node's 2650 J/K (simulators/physics: emitter shares, glass capacity)
    const truth = (0.6 * 100 * 3600) / 2649.8;
    const s = m.summary();
    expect(s.fitted).toBe(true);
    expect(s.heaters[0].airRateCPerH).toBeGreaterThan(truth * 0.85);
    expect(s.heaters[0].airRateCPerH).toBeLessThan(truth * 1.15);
  });

  it('recovers the steady-state rise of a mesh cage\'s air with its emitter on within 25 %', () => {
    const cfg = simConfig(emitterOnly('mesh'));
    const rise = fitOnRig(cfg, 5, true).summary().heaters[0].airRiseC;
    const truth = trueRise(cfg, 'heater').airC;
    expect(rise / truth).toBeGreaterThan(0.75);
    expect(rise / truth).toBeLessThan(1.25);
  });

  it('recovers how far a heat mat lifts its own spot (its limit probe) within 40 %', () => {
    const cfg = simConfig(matWithProbe);
    const s = fitOnRig(cfg, 5, true).summary();
    const truth = trueRise(cfg, 'mat').surfaceC;
    expect(s.heaters[0].surfaceRiseC.probe / truth).toBeGreaterThan(0.6);
    expect(s.heaters[0].surfaceRiseC.probe / truth).toBeLessThan(1.4);
  });

  it('persists its fit: a restored model predicts as the fitted one, a changed layout starts from its seed', () => {
    const cfg = simConfig(emitterOnly('glass'));
    const fitted = fitOnRig(cfg, 1, true);
    const saved = JSON.parse(JSON.stringify(fitted.toJSON()));
    const restored = new EnclosureModel(cfg.enclosures[0]);
    expect(restored.restore(saved)).toBe(true);
    expect(restored.fitted).toBe(fitted.fitted);
    expect(restored.summary().heaters[0].airRateCPerH).toBeCloseTo(fitted.summary().heaters[0].airRateCPerH, 6);
    const other = new EnclosureModel(simConfig(matWithProbe).enclosures[0]);
    expect(other.restore(saved)).toBe(false);
    expect(other.updates).toBe(0);
    expect(new EnclosureModel(cfg.enclosures[0]).restore({ version: 1, theta: 'x' })).toBe(false);
  });
});
