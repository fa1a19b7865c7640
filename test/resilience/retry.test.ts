import { describe, expect, it } from 'vitest';
import { DeviceIdentityError, I2cError } from '../../src/hal/errors.js';
import { SensorDataError } from '../../src/drivers/errors.js';
import { classifyError, isTransient } from '../../src/resilience/classify.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { RetryExhaustedError, TimeoutError, fullJitterDelay, retry } from '../../src/resilience/retry.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { ScriptedRandom } from './scripted-random.js';

const eio = () => new I2cError('EIO', 1, 0x76, 'read failed');

describe('retry', () => {
  it('waits random × min(cap, base × 2^(n-1)) between attempts (full jitter)', async () => {
    const clock = new VirtualClock(0);
    const startedAt: number[] = [];
    const delays: number[] = [];
    const p = retry(
      async (attempt) => {
        startedAt.push(clock.monotonic());
        if (attempt < 4) throw eio();
        return 'ok';
      },
      {
        clock,
        random: new ScriptedRandom([0.5, 0.5, 0.9]),
        attempts: 4,
        baseDelayMs: 100,
        maxDelayMs: 300,
        attemptTimeoutMs: 1000,
        shouldRetry: isTransient,
        onRetry: (_err, _attempt, delayMs) => delays.push(delayMs),
      },
    );
    await clock.advance(10_000);
    await expect(p).resolves.toBe('ok');
    // 0.5 × 100, 0.5 × 200, 0.9 × min(300, 400)
    expect(delays).toEqual([50, 100, 270]);
    expect(startedAt).toEqual([0, 50, 150, 420]);
  });

  it('draws the same delays from the same seed', async () => {
    const run = async (seed: number) => {
      const clock = new VirtualClock(0);
      const delays: number[] = [];
      const p = retry(() => Promise.reject(eio()), {
        clock,
        random: new SeededRandom(seed),
        attempts: 5,
        baseDelayMs: 50,
        maxDelayMs: 400,
        attemptTimeoutMs: 1000,
        shouldRetry: isTransient,
        onRetry: (_e, _a, d) => delays.push(d),
      });
      const settled = p.catch((e: unknown) => e);
      await clock.advance(10_000);
      expect(await settled).toBeInstanceOf(RetryExhaustedError);
      return delays;
    };
    const a = await run(42);
    expect(a).toHaveLength(4);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
    a.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(400, 50 * 2 ** i));
    });
  });

  it('caps the jitter ceiling at maxDelayMs', () => {
    expect(fullJitterDelay(10, 50, 400, new ScriptedRandom([0.5]))).toBe(200);
    expect(fullJitterDelay(1, 50, 400, new ScriptedRandom([0.5]))).toBe(25);
  });

  it('fails a slow attempt with a transient TimeoutError after attemptTimeoutMs and retries it', async () => {
    const clock = new VirtualClock(0);
    const startedAt: number[] = [];
    const errors: unknown[] = [];
    const p = retry(
      (attempt) => {
        startedAt.push(clock.monotonic());
        return attempt === 1 ? clock.sleep(60_000).then(() => 'late') : Promise.resolve('fast');
      },
      {
        clock,
        random: new ScriptedRandom([0]),
        attempts: 3,
        baseDelayMs: 50,
        maxDelayMs: 400,
        attemptTimeoutMs: 2000,
        shouldRetry: isTransient,
        onRetry: (err) => errors.push(err),
      },
    );
    await clock.advance(5000);
    await expect(p).resolves.toBe('fast');
    expect(startedAt).toEqual([0, 2000]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect((errors[0] as TimeoutError).code).toBe('OPERATION_TIMEOUT');
    expect(classifyError(errors[0])).toBe('transient');
  });

  it('gives up after the bounded attempts with every error kept and the last one as cause', async () => {
    const clock = new VirtualClock(0);
    const thrown = [eio(), eio(), eio()];
    let calls = 0;
    const p = retry(() => Promise.reject(thrown[calls++]), {
      clock,
      random: new ScriptedRandom([0, 0]),
      attempts: 3,
      baseDelayMs: 50,
      maxDelayMs: 400,
      attemptTimeoutMs: 2000,
      shouldRetry: isTransient,
    });
    const settled = p.catch((e: unknown) => e);
    await clock.advance(1000);
    const err = (await settled) as RetryExhaustedError;
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect(err.code).toBe('RETRY_EXHAUSTED');
    expect(err.attempts).toBe(3);
    expect(err.errors).toEqual(thrown);
    expect(err.cause).toBe(thrown[2]);
    expect(classifyError(err)).toBe('transient');
  });

  it.each([
    ['a wrong chip id (permanent)', () => new DeviceIdentityError('chip id 0x58, expected 0x60')],
    ['a CRC failure (data)', () => new SensorDataError('crc', 'CRC check failed')],
    ['a missing bus (ENOENT)', () => new I2cError('ENOENT', 3, 0x76, 'no such bus')],
  ])('does not retry %s and rethrows it unchanged', async (_name, make) => {
    const clock = new VirtualClock(0);
    const err = make();
    let calls = 0;
    const p = retry(
      () => {
        calls++;
        return Promise.reject(err);
      },
      { clock, random: new ScriptedRandom([]), attempts: 3, baseDelayMs: 50, maxDelayMs: 400, attemptTimeoutMs: 2000, shouldRetry: isTransient },
    );
    const settled = p.catch((e: unknown) => e);
    await clock.advance(1000);
    expect(await settled).toBe(err);
    expect(calls).toBe(1);
  });

  it('turns a synchronous throw of the operation into a rejection', async () => {
    const clock = new VirtualClock(0);
    const err = new DeviceIdentityError('bad');
    const p = retry(
      () => {
        throw err;
      },
      { clock, random: new ScriptedRandom([]), attempts: 3, baseDelayMs: 50, maxDelayMs: 400, attemptTimeoutMs: 2000, shouldRetry: isTransient },
    );
    await expect(p).rejects.toBe(err);
  });

  it('leaves no timer behind after success', async () => {
    const clock = new VirtualClock(0);
    const p = retry(() => Promise.resolve(1), { clock, random: new ScriptedRandom([]), attempts: 3, baseDelayMs: 50, maxDelayMs: 400, attemptTimeoutMs: 2000, shouldRetry: isTransient });
    await expect(p).resolves.toBe(1);
    expect(clock.pending()).toBe(0);
  });
});
