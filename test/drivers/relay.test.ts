import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/drivers/errors.js';
import { RelayOutput } from '../../src/drivers/relay.js';
import { GpioError } from '../../src/hal/errors.js';
import { SimGpio } from '../../simulators/gpio-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const PIN = 17;

function setup(activeLow: boolean, startupState?: 'off' | 'on'): { gpio: SimGpio; relay: RelayOutput } {
  const gpio = new SimGpio(new VirtualClock(0));
  return { gpio, relay: new RelayOutput(gpio, { pin: PIN, activeLow, startupState }) };
}

describe('RelayOutput', () => {
  it.each([
    [false, false, false],
    [false, true, true],
    [true, false, true],
    [true, true, false],
  ])('active-low %s: logical on=%s drives the pin %s and reads back the same logical state', async (activeLow, on, level) => {
    const { gpio, relay } = setup(activeLow);
    await relay.init();
    await relay.set(on);
    expect(gpio.level(PIN)).toBe(level);
    expect(await relay.readBack()).toBe(on);
  });

  it.each([
    [false, 'off', false],
    [true, 'off', true],
    [false, 'on', true],
    [true, 'on', false],
  ] as const)('active-low %s: opens the line directly at the %s level, with no other level first', async (activeLow, startupState, level) => {
    const { gpio, relay } = setup(activeLow, startupState);
    await relay.init();
    expect(gpio.writesTo(PIN).map((w) => w.level)).toEqual([level]);
    expect(await relay.readBack()).toBe(startupState === 'on');
  });

  it('describes itself by pin and polarity', () => {
    expect(setup(true).relay.description).toBe('relay GPIO17 (active-low)');
    expect(setup(false).relay.description).toBe('relay GPIO17 (active-high)');
  });

  it('fails the self-test naming the pin and both levels when the line reads back otherwise, and releases it', async () => {
    const { gpio, relay } = setup(true);
    gpio.setShorted(PIN, false);
    const err = await relay.init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpioError);
    expect((err as GpioError).line).toBe(PIN);
    expect((err as Error).message).toBe('GPIO17: self-test: drove HIGH (off, active-low) but read back LOW (EIO)');
    expect(gpio.isOpen(PIN)).toBe(false);
  });

  it('passes an open failure through as the GpioError it is', async () => {
    const { gpio, relay } = setup(false);
    gpio.setOpenFailure(PIN, 'EACCES');
    await expect(relay.init()).rejects.toMatchObject({ code: 'GPIO_IO', errno: 'EACCES', line: PIN });
  });

  it('turns the load off and releases the line on close', async () => {
    const { gpio, relay } = setup(true);
    await relay.init();
    await relay.set(true);
    await relay.close();
    expect(gpio.level(PIN)).toBe(true);
    expect(gpio.writesTo(PIN).at(-1)?.level).toBe(true);
    expect(gpio.isOpen(PIN)).toBe(false);
  });

  it('still releases the line when the OFF write on close fails, and reports the write error', async () => {
    const { gpio, relay } = setup(false);
    await relay.init();
    await relay.set(true);
    gpio.setWriteFailure(PIN, 'EIO');
    await expect(relay.close()).rejects.toMatchObject({ code: 'GPIO_IO', errno: 'EIO' });
    expect(gpio.isOpen(PIN)).toBe(false);
  });

  it('refuses set() before init()', async () => {
    const { relay } = setup(false);
    const err = await relay.set(true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).kind).toBe('not-initialised');
  });

  it('can be initialised again (recovery) without the line being busy', async () => {
    const { gpio, relay } = setup(true);
    await relay.init();
    await relay.set(true);
    await relay.init();
    expect(gpio.level(PIN)).toBe(true);
    expect(await relay.readBack()).toBe(false);
  });
});
