import type { Config } from '../../src/config/load.js';
import type { Fault } from '../../src/control/types.js';
import type { ReadingsBySensor } from '../../src/devices/reading.js';
import { EnclosureDiagnosis } from '../../src/model/diagnosis.js';
import { type RigOptions, runRig } from './physics-harness.js';

/** Runs the diagnosis beside the physics rig; returns every fault raised (first time each) and when. */
export function diagnoseRig(cfg: Config, o: Omit<RigOptions, 'onSample'> & { roomKnown?: boolean; onInterval?: (d: EnclosureDiagnosis, mono: number) => void }) {
  const enc = cfg.enclosures[0];
  let lastRoom = 20;
  const diag = new EnclosureDiagnosis(enc, o.roomKnown ? { roomC: () => lastRoom } : {});
  const raised: Array<Fault & { mono: number }> = [];
  const seen = new Set<string>();
  const types = new Map(enc.sensors.map((s) => [s.id, s.type]));
  runRig(cfg, {
    ...o,
    onSample: (s) => {
      lastRoom = s.roomC;
      const by: ReadingsBySensor = {};
      for (const [id, v] of Object.entries(s.readings)) {
        const q = types.get(id) === 'ds18b20' ? Math.round(v * 16) / 16 : Math.round(v * 100) / 100;
        by[id] = { temperature: { sensorId: id, quantity: 'temperature', value: q, at: s.wall, quality: 'ok' } };
      }
      if (diag.observe(s.wall, s.mono, by, s.outputs)) {
        for (const f of diag.faults()) {
          const key = `${f.kind}:${f.component}`;
          if (!seen.has(key)) {
            seen.add(key);
            raised.push({ ...f, mono: s.mono });
          }
        }
        o.onInterval?.(diag, s.mono);
      }
    },
  });
  return { diag, raised };
}
