import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/** An async chain `depth` awaits long, each step logging; the way a driver's reads chain after a wait. */
async function chain(log: string[], name: string, depth: number): Promise<void> {
  for (let i = 0; i < depth; i++) {
    await Promise.resolve();
    log.push(`${name}${i}`);
  }
}

describe('VirtualClock between timers', () => {
  it.each([1, 5, 50])('runs every continuation of a fired timer (%i awaits deep) before the next timer fires', async (depth) => {
    const clock = new VirtualClock(0);
    const log: string[] = [];
    clock.setTimeout(() => void chain(log, 'a', depth), 10);
    clock.setTimeout(() => log.push('b'), 10);
    clock.setTimeout(() => log.push('c'), 20);
    await clock.advance(100);
    expect(log).toEqual([...Array.from({ length: depth }, (_, i) => `a${i}`), 'b', 'c']);
  });

  it('lets a continuation cancel the next timer due at the same instant', async () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    let second: { cancel(): void } | undefined;
    clock.setTimeout(() => {
      void Promise.resolve()
        .then(() => undefined)
        .then(() => second?.cancel());
    }, 10);
    second = clock.setTimeout(() => fired.push('second'), 10);
    await clock.advance(50);
    expect(fired).toEqual([]);
  });

  it('lets a continuation schedule a timer that fires within the same advance, in due order', async () => {
    const clock = new VirtualClock(0);
    const log: Array<[string, number]> = [];
    clock.setTimeout(() => {
      void clock.sleep(5).then(() => log.push(['slept', clock.monotonic()]));
    }, 10);
    clock.setTimeout(() => log.push(['later', clock.monotonic()]), 30);
    await clock.advance(100);
    expect(log).toEqual([
      ['slept', 15],
      ['later', 30],
    ]);
  });
});
