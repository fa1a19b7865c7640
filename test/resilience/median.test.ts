import { describe, expect, it } from 'vitest';
import { EmptyMedianError, median } from '../../src/resilience/median.js';

describe('median', () => {
  it.each([
    [[21.5], 21.5],
    [[3, 1, 2], 2],
    [[25.0, 85, 25.2], 25.2],
    [[4, 1, 3, 2], 2.5],
    [[-5, -1, -3], -3],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('throws instead of returning NaN for an empty list', () => {
    expect(() => median([])).toThrow(EmptyMedianError);
  });
});
