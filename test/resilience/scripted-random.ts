import type { Random } from '../../src/resilience/random.js';

/** A `Random` that returns the given values in order, so backoff delays are exact in tests. */
export class ScriptedRandom implements Random {
  private readonly values: number[];

  constructor(values: number[]) {
    this.values = [...values];
  }

  next(): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error('ScriptedRandom: script exhausted');
    return v;
  }
}
