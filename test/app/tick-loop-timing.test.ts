import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { TickLoop, type TickTiming } from '../../src/app/tick-loop.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

describe('TickLoop timing', () => {
  it('reports each tick against its due time: on time, then late by the skipped periods after an overrun, then on time again', async () => {
    const clock = new VirtualClock(0);
    const timings: TickTiming[] = [];
    let n = 0;
    // Tick 3 takes 2.5 s of a 1 s period; every other tick takes 100 ms.
    const loop = new TickLoop(clock, 1_000, () => clock.sleep(++n === 3 ? 2_500 : 100), silentLogger(), (t) => timings.push(t));
    loop.start();
    await clock.advance(7_200);
    await loop.stop();
    const rows = timings.map((t) => [t.dueAt, t.startedAt - t.dueAt, t.endedAt - t.startedAt]);
    expect(rows).toEqual([
      [0, 0, 100],
      [1_000, 0, 100],
      [2_000, 0, 2_500],
      // Due at 3 s; the loop skipped the 3 s and 4 s periods and ran at 5 s: 2 s late.
      [3_000, 2_000, 100],
      [6_000, 0, 100],
      [7_000, 0, 100],
    ]);
  });
});
