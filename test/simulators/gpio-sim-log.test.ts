import { describe, expect, it } from 'vitest';
import { SimGpio, WRITE_LOG_KEPT } from '../../simulators/gpio-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

describe('SimGpio write log', () => {
  it('keeps every write of a short run, in order', async () => {
    const gpio = new SimGpio(new VirtualClock(0));
    const out = await gpio.openOutput(17, false);
    for (let i = 0; i < 100; i++) await out.write(i % 2 === 0);
    expect(gpio.writes).toHaveLength(101);
    expect(gpio.writes.at(-1)).toEqual({ line: 17, level: false, at: 0 });
  });

  it('stays bounded over a long run and still holds the latest writes', async () => {
    const clock = new VirtualClock(0);
    const gpio = new SimGpio(clock);
    const out = await gpio.openOutput(17, false);
    const total = 3 * WRITE_LOG_KEPT;
    for (let i = 1; i <= total; i++) {
      await clock.advance(1);
      await out.write(i % 2 === 0);
    }
    expect(gpio.writes.length).toBeGreaterThanOrEqual(WRITE_LOG_KEPT);
    expect(gpio.writes.length).toBeLessThan(2 * WRITE_LOG_KEPT);
    expect(gpio.writes.at(-1)).toEqual({ line: 17, level: true, at: total });
    expect(gpio.writes.map((w) => w.at)).toEqual(Array.from({ length: gpio.writes.length }, (_, k) => total - gpio.writes.length + 1 + k));
  });
});
