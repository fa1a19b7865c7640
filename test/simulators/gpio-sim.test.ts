import { describe, expect, it } from 'vitest';
import { GpioError } from '../../src/hal/errors.js';
import { SimGpio } from '../../simulators/gpio-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

function setup(): { clock: VirtualClock; gpio: SimGpio } {
  const clock = new VirtualClock(0);
  return { clock, gpio: new SimGpio(clock) };
}

describe('SimGpio outputs', () => {
  it('drives the initial level on open and reads written levels back', async () => {
    const { gpio } = setup();
    const out = await gpio.openOutput(17, true);
    expect(gpio.level(17)).toBe(true);
    await out.write(false);
    expect(await out.read()).toBe(false);
    expect(gpio.level(17)).toBe(false);
  });

  it('records every write with its monotonic time, including the initial level', async () => {
    const { clock, gpio } = setup();
    const out = await gpio.openOutput(17, false);
    await clock.advance(250);
    await out.write(true);
    expect(gpio.writes).toEqual([
      { line: 17, level: false, at: 0 },
      { line: 17, level: true, at: 250 },
    ]);
  });

  it.each([
    ['an output', (g: SimGpio) => g.openOutput(17, false)],
    ['an input', (g: SimGpio) => g.openInput(17)],
  ])('refuses to open a line already held, as %s, with EBUSY', async (_name, open) => {
    const { gpio } = setup();
    await gpio.openOutput(17, false);
    await expect(open(gpio)).rejects.toMatchObject({ code: 'GPIO_IO', errno: 'EBUSY', line: 17 });
  });

  it('lets a released line be opened again, and a stale handle neither writes nor releases it', async () => {
    const { gpio } = setup();
    const old = await gpio.openOutput(17, false);
    await old.close();
    const fresh = await gpio.openOutput(17, true);
    await old.close();
    expect(gpio.isOpen(17)).toBe(true);
    await expect(old.write(false)).rejects.toMatchObject({ errno: 'EINVAL' });
    await fresh.write(false);
    expect(gpio.level(17)).toBe(false);
  });

  it('fails writes with the configured errno, keeping the level, for the given number of writes', async () => {
    const { gpio } = setup();
    const out = await gpio.openOutput(22, false);
    gpio.setWriteFailure(22, 'EIO', 1);
    const err = await out.write(true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpioError);
    expect((err as GpioError).errno).toBe('EIO');
    expect(gpio.level(22)).toBe(false);
    expect(gpio.writes.at(-1)).toEqual({ line: 22, level: true, at: 0, error: 'EIO' });
    await out.write(true);
    expect(gpio.level(22)).toBe(true);
  });

  it('fails opens until the open failure is cleared', async () => {
    const { gpio } = setup();
    gpio.setOpenFailure(5, 'EACCES');
    await expect(gpio.openInput(5)).rejects.toMatchObject({ errno: 'EACCES', line: 5 });
    gpio.setOpenFailure(5, null);
    await expect(gpio.openInput(5)).resolves.toMatchObject({ line: 5 });
  });

  it('holds a shorted line at its level whatever is written', async () => {
    const { gpio } = setup();
    const out = await gpio.openOutput(27, true);
    gpio.setShorted(27, false);
    await out.write(true);
    expect(await out.read()).toBe(false);
    gpio.setShorted(27, null);
    expect(await out.read()).toBe(true);
  });
});

describe('SimGpio inputs', () => {
  it.each([
    ['up', true],
    ['down', false],
    ['none', false],
  ] as const)('reads the pull-%s level until the simulation sets one', async (pull, level) => {
    const { gpio } = setup();
    const input = await gpio.openInput(5, pull);
    expect(await input.read()).toBe(level);
    gpio.setInputLevel(5, !level);
    expect(await input.read()).toBe(!level);
  });

  it('refuses to let the simulation drive a line the controller drives', async () => {
    const { gpio } = setup();
    await gpio.openOutput(17, false);
    expect(() => gpio.setInputLevel(17, true)).toThrow(GpioError);
  });
});

describe('SimGpio.onChange', () => {
  it('reports level changes with their time, not repeated levels, until unsubscribed', async () => {
    const { clock, gpio } = setup();
    const seen: Array<[boolean, number]> = [];
    const unsubscribe = gpio.onChange(17, (level, at) => seen.push([level, at]));
    const out = await gpio.openOutput(17, false);
    await clock.advance(100);
    await out.write(true);
    await out.write(true);
    await clock.advance(100);
    await out.write(false);
    unsubscribe();
    await out.write(true);
    expect(seen).toEqual([
      [false, 0],
      [true, 100],
      [false, 200],
    ]);
  });
});
