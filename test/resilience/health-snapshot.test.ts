import { describe, expect, it } from 'vitest';
import { I2cError } from '../../src/hal/errors.js';
import { HealthTracker } from '../../src/resilience/health-tracker.js';
import { median } from '../../src/resilience/median.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function tracker() {
  return new HealthTracker({ id: 'air', enclosureId: 'gecko', kind: 'sensor', clock: new VirtualClock(0) });
}

describe('HealthTracker snapshots', () => {
  it('hands every reader the same snapshot until something changes', () => {
    const t = tracker();
    t.recordSuccess();
    expect(t.health()).toBe(t.health());
  });

  it.each([
    ['a success', (t: HealthTracker) => t.recordSuccess(), { reads: 2, failures: 0 }],
    ['a failure', (t: HealthTracker) => t.recordFailure(new I2cError('EIO', 1, 0x76, 'read failed')), { reads: 2, failures: 1 }],
    ['markFailed', (t: HealthTracker) => t.markFailed('circuit open'), { reads: 1, failures: 0 }],
    ['a breaker change', (t: HealthTracker) => t.setBreaker('open'), { reads: 1, failures: 0 }],
  ])('builds a fresh snapshot after %s and leaves the earlier one as it was', (_name, change, counters) => {
    const t = tracker();
    t.recordSuccess();
    const before = t.health();
    change(t);
    const after = t.health();
    expect(after).not.toBe(before);
    expect(before.counters).toEqual({ reads: 1, failures: 0, retries: 0, recoveries: 0 });
    expect(before.breaker).toBeUndefined();
    expect(after.counters).toMatchObject(counters);
  });

  it('keeps the snapshot when the breaker state reported is the one it already has', () => {
    const t = tracker();
    t.setBreaker('closed');
    const h = t.health();
    t.setBreaker('closed');
    expect(t.health()).toBe(h);
  });
});

describe('median of a few samples', () => {
  it.each([
    [[21.5], 21.5],
    [[3, 1, 2], 2],
    [[2, 2, 1], 2],
    [[-1.5, 4, 0], 0],
    [[25.1, 85, 25.3], 25.3],
    [[4, 1, 3, 2], 2.5],
    [[9, 8, 7, 6, 5, 4, 3, 2, 1], 5],
  ])('of %j is %d, as sorting would give', (values, expected) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    expect(median(values)).toBe(expected);
    expect(median(values)).toBe(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
  });

  it('does not reorder the caller\'s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
});
