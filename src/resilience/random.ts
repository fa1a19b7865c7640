/** A source of uniform random numbers in [0, 1). Injected so retries, jitter and faults are reproducible. */
export interface Random {
  next(): number;
}

/**
 * Seeded PRNG: mulberry32 (Tommy Ettinger, public domain); 32-bit state, period 2^32, good enough for
 * jitter and simulated noise, not for cryptography.
 */
export class SeededRandom implements Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal deviate (Box-Muller), for sensor noise. */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
