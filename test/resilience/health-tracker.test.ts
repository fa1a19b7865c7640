import { describe, expect, it } from 'vitest';
import { DeviceIdentityError, I2cError } from '../../src/hal/errors.js';
import { HealthTracker } from '../../src/resilience/health-tracker.js';
import type { HealthTransition } from '../../src/resilience/health-types.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const T0 = Date.UTC(2025, 5, 1, 3, 0, 0);
const eio = () => new I2cError('EIO', 1, 0x76, 'read failed');

function setup(over: { healthyAfterSuccesses?: number; historySize?: number } = {}) {
  const clock = new VirtualClock(T0);
  const transitions: HealthTransition[] = [];
  const tracker = new HealthTracker({ id: 'air', enclosureId: 'gecko', kind: 'sensor', clock, healthyAfterSuccesses: 3, ...over, onTransition: (t) => transitions.push(t) });
  return { clock, tracker, transitions };
}

describe('HealthTracker', () => {
  it('is unknown until the first attempt and healthy after a first clean success', async () => {
    const { tracker, clock } = setup();
    expect(tracker.health()).toMatchObject({ id: 'air', enclosureId: 'gecko', kind: 'sensor', status: 'unknown', lastSuccessAt: null, lastErrorAt: null });
    await clock.advance(1500);
    tracker.recordSuccess();
    expect(tracker.health()).toMatchObject({ status: 'healthy', lastSuccessAt: T0 + 1500 });
    expect(tracker.health().reason).toBeUndefined();
  });

  it('is degraded after a transient failure, with the reason and the time of the error', async () => {
    const { tracker, clock } = setup();
    tracker.recordSuccess();
    await clock.advance(2000);
    tracker.recordFailure(eio(), { retries: 2 });
    const h = tracker.health();
    expect(h.status).toBe('degraded');
    expect(h.reason).toBe('transient: I2C_IO: i2c-1 0x76: read failed (EIO)');
    expect(h.lastErrorAt).toBe(T0 + 2000);
    expect(h.lastError).toBe('I2C_IO: i2c-1 0x76: read failed (EIO)');
    expect(h.counters).toEqual({ reads: 2, failures: 1, retries: 2, recoveries: 0 });
  });

  it('is degraded when a success needed retries', () => {
    const { tracker } = setup();
    tracker.recordSuccess({ retries: 1 });
    expect(tracker.health()).toMatchObject({ status: 'degraded', reason: 'delivering, but needed 1 retry' });
  });

  it('fails on a permanent error and stays failed through later transient errors', () => {
    const { tracker } = setup();
    tracker.recordFailure(new DeviceIdentityError('chip id 0x58, expected 0x60'));
    expect(tracker.status).toBe('failed');
    tracker.recordFailure(eio());
    expect(tracker.health()).toMatchObject({ status: 'failed', reason: 'permanent: DEVICE_IDENTITY: chip id 0x58, expected 0x60' });
  });

  it('fails on markFailed (the breaker opened) and on a fatal failure of any class', () => {
    const a = setup().tracker;
    a.markFailed('circuit open');
    expect(a.health()).toMatchObject({ status: 'failed', reason: 'circuit open' });
    const b = setup().tracker;
    b.recordFailure(eio(), { fatal: true, context: 'init' });
    expect(b.health()).toMatchObject({ status: 'failed', reason: 'transient: init: I2C_IO: i2c-1 0x76: read failed (EIO)' });
  });

  it('goes from failed via degraded back to healthy after M clean successes and counts one recovery', () => {
    const { tracker, transitions } = setup();
    tracker.recordSuccess();
    tracker.markFailed('circuit open');
    tracker.recordSuccess();
    expect(tracker.health()).toMatchObject({ status: 'degraded', reason: 'recovering: 1/3 good in a row' });
    tracker.recordSuccess();
    expect(tracker.status).toBe('degraded');
    tracker.recordSuccess();
    expect(tracker.status).toBe('healthy');
    expect(tracker.health().counters.recoveries).toBe(1);
    expect(transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['unknown>healthy', 'healthy>failed', 'failed>degraded', 'degraded>healthy']);
    expect(transitions[3].reason).toBe('recovered');
  });

  it('restarts the streak on a failure or a success that needed retries', () => {
    const { tracker } = setup();
    tracker.recordFailure(eio());
    tracker.recordSuccess();
    tracker.recordSuccess();
    tracker.recordSuccess({ retries: 1 });
    tracker.recordSuccess();
    tracker.recordSuccess();
    expect(tracker.status).toBe('degraded');
    tracker.recordSuccess();
    expect(tracker.status).toBe('healthy');
  });

  it('keeps a bounded history of transitions, oldest dropped first', () => {
    const { tracker } = setup({ historySize: 3, healthyAfterSuccesses: 1 });
    tracker.recordSuccess(); // unknown > healthy
    tracker.recordFailure(eio()); // > degraded
    tracker.recordSuccess(); // > healthy
    tracker.markFailed('x'); // > failed
    const h = tracker.history();
    expect(h).toHaveLength(3);
    expect(h.map((t) => t.to)).toEqual(['degraded', 'healthy', 'failed']);
  });

  it('reports the breaker state it was given', () => {
    const { tracker } = setup();
    tracker.setBreaker('half-open');
    expect(tracker.health().breaker).toBe('half-open');
  });
});
