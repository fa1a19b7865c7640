/**
 * Runs async operations one after another, in call order, whether earlier ones succeeded or
 * failed: the read-modify-write of an expander's shadow registers must not interleave.
 */
export class SerialQueue {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every operation queued before it; resolves or rejects with its outcome. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
