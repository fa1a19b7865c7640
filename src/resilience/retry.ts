import { TerrariumError, describeError } from '../errors.js';
import { type Clock, withTimeout } from '../hal/clock.js';
import type { Random } from './random.js';

/**
 * An operation did not settle within its time budget. Transient by classification
 * (`classify.ts`): the next attempt may well answer (a slow I2C clock stretch, a 1-Wire conversion
 * that overran). The timed-out promise is not cancelled (drivers take no abort signal); its late
 * result is ignored.
 */
export class TimeoutError extends TerrariumError {
  constructor(
    /** What timed out, for logs: `BME280 i2c-1 0x76 read (attempt 2)`. */
    readonly operation: string,
    /** The budget that elapsed, ms. */
    readonly timeoutMs: number,
  ) {
    super('OPERATION_TIMEOUT', `${operation} timed out after ${timeoutMs} ms`);
  }
}

/**
 * Every attempt of a {@link retry} failed with a retryable error. `cause` is the last error (its
 * class decides classification, see `classifyError`), `errors` all of them in attempt order.
 */
export class RetryExhaustedError extends TerrariumError {
  constructor(
    /** Attempts made. */
    readonly attempts: number,
    /** Every attempt's error, first attempt first; the last one is also `cause`. */
    readonly errors: readonly unknown[],
  ) {
    const last = errors[errors.length - 1];
    super('RETRY_EXHAUSTED', `${attempts} attempt${attempts === 1 ? '' : 's'} failed, last: ${describeError(last)}`, { cause: last });
  }
}

/** A retry policy as configured per component (the tunable part of {@link RetryOptions}), ms. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  attemptTimeoutMs: number;
}

/**
 * Default policy for device I/O: 3 attempts, 50 ms base, 400 ms cap, 2 s per attempt. A healthy
 * BME280 forced read takes ~10 ms (BST-BME280-DS002 §9.1, 1x oversampling) and a DS18B20 12-bit
 * conversion 750 ms (datasheet t_CONV), so a normal sample with a retry or two fits in a 1 s tick;
 * the 2 s budget only bites on a hung bus.
 */
export const DEFAULT_DEVICE_RETRY: Readonly<RetryPolicy> = { attempts: 3, baseDelayMs: 50, maxDelayMs: 400, attemptTimeoutMs: 2000 };

/** Options of {@link retry}. All durations in ms of the injected clock's monotonic time. */
export interface RetryOptions {
  clock: Clock;
  /** Source of the jitter, uniform in [0, 1); seeded in tests and simulation. */
  random: Random;
  /** Total attempts including the first (>= 1; values below 1 are treated as 1). */
  attempts: number;
  /** Backoff before the first retry is drawn from [0, baseDelayMs). */
  baseDelayMs: number;
  /** Cap on the exponential term. */
  maxDelayMs: number;
  /** Budget of each single attempt; `Infinity` (or <= 0) disables the per-attempt timeout. */
  attemptTimeoutMs: number;
  /** Whether `err` may be retried in-call (usually `classifyError(err) === 'transient'`). */
  shouldRetry: (err: unknown) => boolean;
  /** Called before each backoff sleep with the failed attempt's error, its 1-based number and the delay. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Names the operation in {@link TimeoutError}s; default `operation`. */
  label?: string;
}

/**
 * Backoff before the retry that follows failed attempt `attempt` (1-based): "full jitter",
 * `delay = random * min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`, from Marc Brooker,
 * "Exponential Backoff And Jitter", AWS Architecture Blog, 2015
 * (`sleep = random_between(0, min(cap, base * 2 ** attempt))` with a 0-based attempt).
 * Full jitter spreads retries of many devices sharing one bus instead of synchronising them.
 */
export function fullJitterDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: Random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return random.next() * Math.max(0, ceiling);
}

/**
 * Runs `op` until it resolves, with bounded attempts, a per-attempt timeout and full-jitter
 * exponential backoff between attempts, all on the injected clock (virtual time in tests).
 *
 * `op` receives the 1-based attempt number. An error `shouldRetry` rejects is rethrown unchanged
 * at once; when every attempt failed with retryable errors a {@link RetryExhaustedError} is thrown
 * whose `cause` is the last error and `errors` lists all of them. A timed-out attempt fails with a
 * {@link TimeoutError} (which `shouldRetry` sees like any other error).
 *
 * Note: a timed-out attempt keeps running in the background; HAL buses serialise transfers, so
 * the next attempt queues behind it rather than interleaving with it.
 */
export async function retry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(opts.attempts));
  const label = opts.label ?? 'operation';
  const errors: unknown[] = [];
  for (let attempt = 1; ; attempt++) {
    try {
      const pending = Promise.resolve().then(() => op(attempt));
      if (!(opts.attemptTimeoutMs > 0) || !Number.isFinite(opts.attemptTimeoutMs)) return await pending;
      return await withTimeout(opts.clock, pending, opts.attemptTimeoutMs, () => new TimeoutError(`${label} (attempt ${attempt})`, opts.attemptTimeoutMs));
    } catch (err) {
      errors.push(err);
      if (!opts.shouldRetry(err)) throw err;
      if (attempt >= attempts) throw new RetryExhaustedError(attempt, errors);
      const delayMs = fullJitterDelay(attempt, opts.baseDelayMs, opts.maxDelayMs, opts.random);
      opts.onRetry?.(err, attempt, delayMs);
      await opts.clock.sleep(delayMs);
    }
  }
}
