import type { EnclosureSnapshot } from '../control/snapshot.js';

/** One output's accumulated on-time. */
interface Track {
  kind: string;
  /** State as last observed, and the monotonic ms of that observation. */
  on: boolean;
  at: number;
  /** Accumulated on-time, s. */
  seconds: number;
}

/**
 * Cumulative on-time per output, integrated from the states the ticks leave in the snapshots: an
 * output seen on at one tick is counted on until the next tick (monotonic ms from `TickTiming`),
 * which is how the controller holds it (outputs change only at ticks, or by the safety paths
 * that the next tick reports). Error: at most one tick period per change of state. Fed once per
 * tick, O(outputs), no allocation after the first tick; read at scrape time.
 */
export class OutputOnTime {
  private readonly byEnclosure = new Map<string, Map<string, Track>>();

  /** Integrates up to monotonic `mono` (ms), then takes the states of `snapshots` from there on. */
  observe(mono: number, snapshots: Iterable<EnclosureSnapshot>): void {
    for (const s of snapshots) {
      let tracks = this.byEnclosure.get(s.enclosureId);
      if (!tracks) {
        tracks = new Map();
        this.byEnclosure.set(s.enclosureId, tracks);
      }
      for (const id in s.actuators) {
        const a = s.actuators[id]!;
        const t = tracks.get(id);
        if (!t) {
          tracks.set(id, { kind: a.kind, on: a.on, at: mono, seconds: 0 });
          continue;
        }
        if (t.on && mono > t.at) t.seconds += (mono - t.at) / 1000;
        t.on = a.on;
        t.at = mono;
      }
    }
  }

  /** Calls `fn` for every output seen so far with its on-time, s. */
  each(fn: (enclosure: string, actuator: string, kind: string, seconds: number) => void): void {
    for (const [enclosure, tracks] of this.byEnclosure) for (const [actuator, t] of tracks) fn(enclosure, actuator, t.kind, t.seconds);
  }
}
