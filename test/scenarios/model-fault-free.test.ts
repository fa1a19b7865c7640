import { describe, expect, it } from 'vitest';
import type { Controller } from '../../src/app/controller.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { referenceConfig } from './support.js';

/**
 * Fault-free weeks through the whole controller: the enclosure model's diagnosis must raise nothing.
 * Ticks every 30 s (the model's interval) so a simulated week takes seconds; four different
 * enclosures, three seeds each.
 */
const enclosures: Array<[string, (raw: any) => void]> = [
  ['90 cm glass, 100 W emitter, lit, misted, 0.05 °C probes', () => {}],
  [
    'mesh cage, 75 W basking lamp, unlit, noisy 0.2 °C probes',
    (raw) => {
      const e = raw.enclosures[0];
      e.physics.material = 'mesh';
      e.actuators = e.actuators.filter((a: any) => a.kind !== 'light');
      e.actuators[0] = { ...e.actuators[0], heaterType: 'basking-lamp', powerW: 75 };
      raw.hardware.sim.sensorNoiseC = 0.2;
    },
  ],
  [
    '60 cm glass, 20 W heat mat with a surface limit probe, lit, quiet 0.01 °C probes',
    (raw) => {
      const e = raw.enclosures[0];
      e.physics = { widthCm: 60, depthCm: 30, heightCm: 30, material: 'glass' };
      e.sensors[1].placement = 'surface';
      e.actuators[0] = { id: 'heater', kind: 'heater', heaterType: 'heat-mat', powerW: 20, output: e.actuators[0].output, sensors: ['air'], limit: { sensor: 'probe', maxC: 38 }, timeProportioning: { periodSeconds: 600 } };
      raw.hardware.sim.sensorNoiseC = 0.01;
    },
  ],
  [
    'wooden vivarium, 150 W emitter and a 40 W basking lamp, lit, 0.05 °C probes',
    (raw) => {
      const e = raw.enclosures[0];
      e.physics = { widthCm: 120, depthCm: 60, heightCm: 60, material: 'wood' };
      e.actuators[0] = { ...e.actuators[0], powerW: 150 };
      e.actuators.splice(1, 0, { id: 'lamp', kind: 'heater', heaterType: 'basking-lamp', powerW: 40, output: { type: 'gpio', pin: 24, activeLow: true }, sensors: ['probe', 'air'] });
    },
  ],
];

describe('no diagnosis fault in fault-free simulated weeks (whole controller)', () => {
  for (const [name, edit] of enclosures) {
    it.each([1, 2, 3])(`${name}, seed %i`, async (seed) => {
      const cfg = referenceConfig((raw) => {
        raw.controller.tickMs = 30_000;
        edit(raw);
      });
      let controller: Controller | undefined;
      const seen = new Map<string, string>();
      await runSimulation({
        config: cfg,
        days: 7,
        seed,
        onController: (c) => (controller = c),
        onTick: () => {
          for (const f of controller?.runtime('gecko')?.diagnosis.faults() ?? []) seen.set(`${f.kind}:${f.component}`, f.message);
        },
      });
      expect([...seen.entries()]).toEqual([]);
      expect(controller?.runtime('gecko')?.diagnosis.model.fitted).toBe(true);
    }, 120_000);
  }
});
