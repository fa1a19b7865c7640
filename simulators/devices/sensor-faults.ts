/** A measured quantity a sensor fault distorts: temperature in °C, humidity in %RH. */
export type SensorQuantity = 'temperature' | 'humidity';

/**
 * One injected distortion of a simulated sensor's reading:
 * - `offset`: true value + `by`;
 * - `drift`: true value + `perHour` x hours since `sinceMs` (monotonic ms the fault started);
 * - `gain`: reference + `factor` x (true value - reference), reference {@link GAIN_REFERENCE};
 * - `noise`: extra Gaussian noise, standard deviation `sd`;
 * - `detached`: the probe reads another node (`room` or the enclosure `air`) instead of its own;
 * - `saturated`: humidity pinned at 100 %RH (condensation on the sensing element).
 */
export type SensorFault =
  | { kind: 'offset'; quantity: SensorQuantity; by: number }
  | { kind: 'drift'; quantity: SensorQuantity; perHour: number; sinceMs: number }
  | { kind: 'gain'; quantity: SensorQuantity; factor: number }
  | { kind: 'noise'; quantity: SensorQuantity; sd: number }
  | { kind: 'detached'; reads: 'room' | 'air' }
  | { kind: 'saturated' };

/**
 * The point a gain error pivots about: 20 °C and 50 %RH, mid-range values where a calibrated sensor
 * reads true (a project choice, so that a gain fault shows as a growing error away from the room
 * conditions a sensor is usually checked at).
 */
export const GAIN_REFERENCE: Readonly<Record<SensorQuantity, number>> = { temperature: 20, humidity: 50 };

/**
 * The faults currently injected on one simulated sensor. Cheap when empty (the common case): one
 * length check per reading. Several faults may be active at once; they apply in the order gain,
 * offset, drift, noise (a miscalibrated element, then what the wiring and ageing add).
 */
export class SensorFaults {
  private readonly active: SensorFault[] = [];

  /** Adds a fault; returns the function that removes it again. */
  add(fault: SensorFault): () => void {
    this.active.push(fault);
    return () => {
      const i = this.active.indexOf(fault);
      if (i >= 0) this.active.splice(i, 1);
    };
  }

  /** Whether no fault is active. */
  get empty(): boolean {
    return this.active.length === 0;
  }

  /** The node a detached probe reads now, or `null` when it reads its own spot. */
  detachedTo(): 'room' | 'air' | null {
    for (const f of this.active) if (f.kind === 'detached') return f.reads;
    return null;
  }

  /** Whether the humidity is pinned at 100 %RH (condensation). */
  get saturated(): boolean {
    return this.active.some((f) => f.kind === 'saturated');
  }

  /**
   * The reading of `quantity` for the true `value` at monotonic `nowMs`, with every active fault of
   * that quantity applied; `gaussian` draws standard normal numbers for the noise.
   */
  apply(quantity: SensorQuantity, value: number, nowMs: number, gaussian: () => number): number {
    let v = value;
    for (const f of this.active) {
      if (f.kind === 'gain' && f.quantity === quantity) v = GAIN_REFERENCE[quantity] + f.factor * (v - GAIN_REFERENCE[quantity]);
    }
    for (const f of this.active) {
      if (f.kind === 'detached' || f.kind === 'saturated' || f.quantity !== quantity) continue;
      if (f.kind === 'offset') v += f.by;
      else if (f.kind === 'drift') v += (f.perHour * Math.max(0, nowMs - f.sinceMs)) / 3_600_000;
      else if (f.kind === 'noise') v += f.sd * gaussian();
    }
    return v;
  }
}
