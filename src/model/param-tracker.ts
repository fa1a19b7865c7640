/**
 * Recursive least squares for slowly varying parameters, in its Kalman-filter form: the
 * parameters are a random walk θ_k = θ_{k-1} + w_k (covariance Q, diagonal) observed through the
 * linear regression y_k = φ_kᵀ θ_k + e_k (variance r). One step (Ljung, "System Identification:
 * Theory for the User", 2nd ed. 1999, §11.2, eqs. 11.66-11.67; the same as RLS with forgetting when
 * Q = (1/λ - 1) P):
 *
 *     P ← P + Q;   S = r + φᵀPφ;   K = Pφ / S;   ε = y - φᵀθ;   θ ← θ + Kε;   P ← P - K φᵀP
 *
 * A random walk with a bounded Q is used instead of exponential forgetting because a thermostat
 * holds the temperature in a narrow band for days: with forgetting, P grows without bound in the
 * directions the data does not excite ("covariance wind-up", Ljung §11.6) and the next switching
 * event throws the estimate around; with Q it grows only linearly and is capped.
 *
 * After each update the parameters are projected onto box bounds (physically meaningful signs and
 * ranges). All storage is preallocated: an update allocates nothing.
 */
export class ParameterTracker {
  /** Parameter estimate θ. */
  readonly theta: Float64Array;
  /** Covariance P, row-major n×n. */
  readonly p: Float64Array;
  private readonly q: Float64Array;
  private readonly pMax: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly pphi: Float64Array;
  private readonly k: Float64Array;

  /**
   * @param theta0 initial estimate (the prior, e.g. seeded from the enclosure's build)
   * @param sd0 prior standard deviation of each parameter (same units as θ)
   * @param qPerStep random-walk variance added to each parameter per update
   * @param r measurement-noise variance of y
   * @param lo lower bounds of θ (use -Infinity for none)
   * @param hi upper bounds of θ
   */
  constructor(
    theta0: ArrayLike<number>,
    sd0: ArrayLike<number>,
    qPerStep: ArrayLike<number>,
    public r: number,
    lo: ArrayLike<number>,
    hi: ArrayLike<number>,
  ) {
    const n = theta0.length;
    this.theta = Float64Array.from(theta0);
    this.p = new Float64Array(n * n);
    for (let i = 0; i < n; i++) this.p[i * n + i] = sd0[i] * sd0[i];
    this.q = Float64Array.from(qPerStep);
    // Cap the variance at the prior's: an unexcited direction never becomes less certain than at start.
    this.pMax = Float64Array.from(sd0, (s) => s * s);
    this.lo = Float64Array.from(lo);
    this.hi = Float64Array.from(hi);
    this.pphi = new Float64Array(n);
    this.k = new Float64Array(n);
  }

  get size(): number {
    return this.theta.length;
  }

  /** Prediction φᵀθ. */
  predict(phi: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < this.theta.length; i++) s += phi[i] * this.theta[i];
    return s;
  }

  /** Prediction variance φᵀPφ + r (the innovation variance of the next update). */
  innovationVariance(phi: ArrayLike<number>): number {
    const n = this.theta.length;
    let s = this.r;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += this.p[i * n + j] * phi[j];
      s += phi[i] * row;
    }
    return s;
  }

  /**
   * One update with regressor φ and observation y.
   * @returns the innovation ε = y - φᵀθ (before the update)
   */
  update(phi: ArrayLike<number>, y: number): number {
    const n = this.theta.length;
    const p = this.p;
    for (let i = 0; i < n; i++) p[i * n + i] = Math.min(p[i * n + i] + this.q[i], this.pMax[i] + this.q[i]);
    let s = this.r;
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += p[i * n + j] * phi[j];
      this.pphi[i] = row;
      s += phi[i] * row;
    }
    const eps = y - this.predict(phi);
    for (let i = 0; i < n; i++) this.k[i] = this.pphi[i] / s;
    for (let i = 0; i < n; i++) {
      const v = this.theta[i] + this.k[i] * eps;
      this.theta[i] = v < this.lo[i] ? this.lo[i] : v > this.hi[i] ? this.hi[i] : v;
    }
    // P ← P - K (Pφ)ᵀ  (P symmetric, so φᵀP = (Pφ)ᵀ)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) p[i * n + j] -= this.k[i] * this.pphi[j];
    return eps;
  }

  /** Standard deviation of parameter `i`. */
  sd(i: number): number {
    return Math.sqrt(Math.max(0, this.p[i * this.theta.length + i]));
  }

  /** Restores θ and P (persisted values); arrays of the wrong size are ignored. */
  restore(theta: readonly number[], p: readonly number[]): boolean {
    if (theta.length !== this.theta.length || p.length !== this.p.length || !theta.every(Number.isFinite) || !p.every(Number.isFinite)) return false;
    for (let i = 0; i < theta.length; i++) this.theta[i] = Math.min(this.hi[i], Math.max(this.lo[i], theta[i]));
    this.p.set(p);
    return true;
  }
}
