/**
 * One-sided cumulative-sum test (E. S. Page, "Continuous inspection schemes", Biometrika 41, 1954):
 *
 *     S ← max(0, S + x - ν);   alarm when S ≥ h
 *
 * `x` is the residual of one observation, `ν` (the reference value, "allowance") half the shift to
 * detect, `h` the decision threshold. Page's test is the repeated Wald sequential probability-ratio
 * test for a shift of the mean (Wald 1945): a shift δ ≥ ν is detected after about h / (δ - ν)
 * observations, while residuals below ν drain S back to 0. `start` remembers when S last left 0,
 * which is the change-point estimate.
 */
export class Cusum {
  /** The statistic S (≥ 0). */
  s = 0;
  /** Index of the observation at which S last rose from 0 (the estimated change point), or -1. */
  start = -1;
  /** Observations since S rose from 0. */
  count = 0;

  /** @param nu allowance ν, in the residual's unit; @param h threshold, same unit × observations */
  constructor(
    public nu: number,
    public h: number,
  ) {}

  /** Adds residual `x` (observation number `k`); returns true while S ≥ h. */
  add(x: number, k: number): boolean {
    const next = this.s + x - this.nu;
    if (next <= 0) {
      this.s = 0;
      this.start = -1;
      this.count = 0;
    } else {
      if (this.s === 0) this.start = k;
      this.s = next;
      this.count++;
    }
    return this.s >= this.h;
  }

  /** True while S ≥ h. */
  get alarm(): boolean {
    return this.s >= this.h;
  }

  /** Clears the statistic. */
  reset(): void {
    this.s = 0;
    this.start = -1;
    this.count = 0;
  }
}
