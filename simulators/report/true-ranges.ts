import type { NodeRange } from './types.js';

/**
 * The physics' true state as the recorder takes it: the air and humidity it always needs, plus
 * whatever else the physics exposes. Every number whose key ends in `C` is a temperature node
 * (`airC` -> `air`, `probeC` -> `probe`), every record of numbers under such a key is one node per
 * entry (`heaterC: { heater: 41 }` -> `heater.heater`), and `humidityPct` is the air's relative
 * humidity (`humidity`). Anything else (pressure, ...) is ignored.
 */
export interface TruthSample {
  airC: number;
  humidityPct: number;
}

/**
 * Running true min/max of every node of one enclosure: O(nodes) memory, no allocation per sample
 * once every node has been seen.
 */
export class TrueRanges {
  private readonly ranges = new Map<string, NodeRange>();
  private readonly last = new Map<string, number>();

  /** One sample at wall ms `at`. */
  add(at: number, truth: TruthSample): void {
    const fields = truth as unknown as Record<string, unknown>;
    for (const key in fields) {
      const v = fields[key];
      if (key === 'humidityPct') this.put('humidity', '%RH', v as number, at);
      else if (key.endsWith('C') && key.length > 1) {
        const name = key.slice(0, -1);
        if (typeof v === 'number') this.put(name, '°C', v, at);
        else if (v !== null && typeof v === 'object') {
          const rec = v as Record<string, unknown>;
          for (const id in rec) if (typeof rec[id] === 'number') this.put(`${name}.${id}`, '°C', rec[id], at);
        }
      }
    }
  }

  /** The last sampled value of node `name`, `undefined` if never seen. */
  latest(name: string): number | undefined {
    return this.last.get(name);
  }

  /** Every node seen, by name, in the order first seen. */
  result(): Record<string, NodeRange> {
    const out: Record<string, NodeRange> = {};
    for (const [name, r] of this.ranges) out[name] = { ...r };
    return out;
  }

  private put(name: string, unit: NodeRange['unit'], v: number, at: number): void {
    if (!Number.isFinite(v)) return;
    this.last.set(name, v);
    const r = this.ranges.get(name);
    if (!r) {
      this.ranges.set(name, { unit, min: v, minAt: at, max: v, maxAt: at });
      return;
    }
    if (v < r.min) {
      r.min = v;
      r.minAt = at;
    }
    if (v > r.max) {
      r.max = v;
      r.maxAt = at;
    }
  }
}
