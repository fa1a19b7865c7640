import { describe, expect, it } from 'vitest';
import { detectClockJump, isClockPlausible } from '../../src/control/clock-plausibility.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const BUILD = Date.UTC(2026, 0, 15);

describe('clock plausibility', () => {
  it.each([
    ['a Pi without RTC at the epoch', 0, false],
    ['a fake-hwclock time before the build', Date.UTC(2025, 11, 31), false],
    ['one ms before the floor', BUILD - 1, false],
    ['exactly the floor', BUILD, true],
    ['a synchronised clock', Date.UTC(2026, 5, 1), true],
    ['NaN', Number.NaN, false],
    ['Infinity', Number.POSITIVE_INFINITY, false],
  ])('%s -> plausible: %s', (_name, now, expected) => {
    expect(isClockPlausible(now, BUILD)).toBe(expected);
  });
});

describe('clock jump detection', () => {
  it.each([
    ['wall and monotonic advance together', 1000, 1000, { kind: 'none' }],
    ['drift within the tolerance', 2500, 1000, { kind: 'none' }],
    ['an NTP step forward of 1 h', 3_601_000, 1000, { kind: 'forward', deltaMs: 3_600_000 }],
    ['a step back of 1 h', -3_599_000, 1000, { kind: 'backward', deltaMs: -3_600_000 }],
  ] as const)('%s', (_name, wallDelta, monoDelta, expected) => {
    expect(detectClockJump(1_000_000, 50, 1_000_000 + wallDelta, 50 + monoDelta, 2000)).toEqual(expected);
  });

  it('detects the step of a virtual clock whose wall time is set, and not its normal progress', async () => {
    const clock = new VirtualClock(0); // boots at 1970
    const prev = { wall: clock.now(), mono: clock.monotonic() };
    await clock.advance(60_000);
    expect(detectClockJump(prev.wall, prev.mono, clock.now(), clock.monotonic(), 2000)).toEqual({ kind: 'none' });
    const before = { wall: clock.now(), mono: clock.monotonic() };
    clock.jumpWall(BUILD + 86_400_000 - clock.now());
    await clock.advance(1000);
    const jump = detectClockJump(before.wall, before.mono, clock.now(), clock.monotonic(), 2000);
    expect(jump).toEqual({ kind: 'forward', deltaMs: BUILD + 86_400_000 - 60_000 });
    expect(isClockPlausible(clock.now(), BUILD)).toBe(true);
  });
});
