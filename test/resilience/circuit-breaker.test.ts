import { describe, expect, it } from 'vitest';
import { type BreakerTransition, CircuitBreaker } from '../../src/resilience/circuit-breaker.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function setup(over: { failureThreshold?: number; resetTimeoutMs?: number; maxResetTimeoutMs?: number } = {}) {
  const clock = new VirtualClock(0);
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker({ clock, failureThreshold: 3, resetTimeoutMs: 1000, maxResetTimeoutMs: 3000, ...over, onTransition: (t) => transitions.push(t) });
  return { clock, breaker, transitions };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold, and a success resets the count', () => {
    const { breaker } = setup();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(2);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('opens after N consecutive failures and refuses calls until the reset timeout', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.canAttempt()).toBe(false);
    await clock.advance(999);
    expect(breaker.canAttempt()).toBe(false);
    expect(breaker.remainingOpenMs()).toBe(1);
  });

  it('half-opens after the reset timeout and lets exactly one probe through', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(1000);
    expect(breaker.state).toBe('half-open');
    expect(breaker.canAttempt()).toBe(true);
    expect(breaker.canAttempt()).toBe(false);
  });

  it('closes on a successful probe and resets the wait', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(1000);
    breaker.canAttempt();
    breaker.recordFailure(); // failed probe: wait 2000
    await clock.advance(2000);
    expect(breaker.canAttempt()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.resetTimeoutMs).toBe(1000);
  });

  it('re-opens on a failed probe with the wait doubled, capped at maxResetTimeoutMs', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    const waits: number[] = [];
    for (let probe = 0; probe < 3; probe++) {
      await clock.advance(breaker.remainingOpenMs());
      expect(breaker.canAttempt()).toBe(true);
      breaker.recordFailure();
      expect(breaker.state).toBe('open');
      waits.push(breaker.resetTimeoutMs);
    }
    expect(waits).toEqual([2000, 3000, 3000]);
    await clock.advance(2999);
    expect(breaker.canAttempt()).toBe(false);
    await clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('gives up on a probe left unrecorded for a whole reset timeout', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(1000);
    expect(breaker.canAttempt()).toBe(true);
    await clock.advance(999);
    expect(breaker.canAttempt()).toBe(false);
    await clock.advance(1);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('forceClosed closes an open circuit at once', () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    breaker.forceClosed();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(0);
    expect(breaker.canAttempt()).toBe(true);
  });

  it('reports each transition once, with monotonic time and the wait', async () => {
    const { breaker, clock, transitions } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    await clock.advance(1500);
    breaker.canAttempt();
    breaker.recordSuccess();
    breaker.recordSuccess();
    expect(transitions).toEqual([
      { from: 'closed', to: 'open', at: 0, consecutiveFailures: 3, resetTimeoutMs: 1000 },
      { from: 'open', to: 'half-open', at: 1500, consecutiveFailures: 3 },
      { from: 'half-open', to: 'closed', at: 1500, consecutiveFailures: 0 },
    ]);
  });

  it('ignores wall-clock jumps (uses monotonic time)', async () => {
    const { breaker, clock } = setup();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    clock.jumpWall(3_600_000);
    expect(breaker.canAttempt()).toBe(false);
  });
});
