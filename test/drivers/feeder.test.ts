import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/drivers/errors.js';
import { RelayPulseFeeder, ServoFeeder, type ServoBoard } from '../../src/drivers/feeder.js';
import { RelayOutput } from '../../src/drivers/relay.js';
import type { SwitchDriver } from '../../src/drivers/types.js';
import { GpioError } from '../../src/hal/errors.js';
import { SimGpio } from '../../simulators/gpio-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const PIN = 24;

async function relayFeeder(pulseMs = 2000): Promise<{ clock: VirtualClock; gpio: SimGpio; feeder: RelayPulseFeeder }> {
  const clock = new VirtualClock(0);
  const gpio = new SimGpio(clock);
  const feeder = new RelayPulseFeeder(new RelayOutput(gpio, { pin: PIN, activeLow: false }), clock, pulseMs);
  await feeder.init();
  return { clock, gpio, feeder };
}

/** Starts `p` and records the monotonic time it settles at (without awaiting it). */
function track(clock: VirtualClock, p: Promise<void>): { settledAt: () => number | undefined; result: Promise<unknown> } {
  let at: number | undefined;
  const result = p.then(
    () => {
      at = clock.monotonic();
      return undefined;
    },
    (e: unknown) => {
      at = clock.monotonic();
      return e;
    },
  );
  return { settledAt: () => at, result };
}

describe('RelayPulseFeeder', () => {
  it('runs the motor for exactly pulseMs of clock time, then stops it', async () => {
    const { clock, gpio, feeder } = await relayFeeder(2000);
    await clock.advance(5000);
    const run = track(clock, feeder.dispense());
    await clock.advance(1999);
    expect(gpio.level(PIN)).toBe(true);
    await clock.advance(1);
    expect(gpio.level(PIN)).toBe(false);
    expect(await run.result).toBeUndefined();
    expect(run.settledAt()).toBe(7000);
    expect(gpio.writesTo(PIN).map((w) => [w.level, w.at])).toEqual([
      [false, 0],
      [true, 5000],
      [false, 7000],
    ]);
  });

  it('stops the motor when the relay fails after energising, and reports that failure', async () => {
    const clock = new VirtualClock(0);
    let motorOn = false;
    const failing: SwitchDriver = {
      description: 'flaky relay',
      init: async () => {},
      set: async (on) => {
        motorOn = on;
        if (on) throw new GpioError('EIO', PIN, 'verify after write failed');
      },
      readBack: async () => motorOn,
      close: async () => {},
    };
    const err = await new RelayPulseFeeder(failing, clock, 2000).dispense().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GpioError);
    expect(motorOn).toBe(false);
  });

  it('still writes OFF after a failed ON write and rejects with the GpioError', async () => {
    const { clock, gpio, feeder } = await relayFeeder();
    gpio.setWriteFailure(PIN, 'EIO', 1);
    const run = track(clock, feeder.dispense());
    await clock.advance(0);
    expect(await run.result).toMatchObject({ code: 'GPIO_IO', errno: 'EIO' });
    expect(gpio.writesTo(PIN).map((w) => [w.level, w.error])).toEqual([
      [false, undefined],
      [true, 'EIO'],
      [false, undefined],
    ]);
    expect(gpio.level(PIN)).toBe(false);
  });

  it('rejects with rest-failed when the motor cannot be switched off', async () => {
    const { clock, gpio, feeder } = await relayFeeder(2000);
    const run = track(clock, feeder.dispense());
    await clock.advance(1000);
    gpio.setWriteFailure(PIN, 'EIO');
    await clock.advance(1000);
    const err = await run.result;
    expect(err).toBeInstanceOf(OutputError);
    expect((err as OutputError).kind).toBe('rest-failed');
    expect((err as OutputError).cause).toBeInstanceOf(GpioError);
  });

  it('refuses a second feed while one runs, without disturbing the first', async () => {
    const { clock, gpio, feeder } = await relayFeeder(2000);
    const first = track(clock, feeder.dispense());
    await clock.advance(500);
    const second = await feeder.dispense().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(OutputError);
    expect((second as OutputError).kind).toBe('busy');
    await clock.advance(1500);
    expect(await first.result).toBeUndefined();
    expect(gpio.writesTo(PIN).filter((w) => w.level)).toHaveLength(1);
  });

  it('stops the motor at once on stop()', async () => {
    const { clock, gpio, feeder } = await relayFeeder(2000);
    const run = track(clock, feeder.dispense());
    await clock.advance(300);
    await feeder.stop();
    expect(gpio.level(PIN)).toBe(false);
    await clock.advance(1700);
    expect(await run.result).toBeUndefined();
  });

  it('releases the relay line on close', async () => {
    const { gpio, feeder } = await relayFeeder();
    await feeder.close();
    expect(gpio.isOpen(PIN)).toBe(false);
  });
});

/** Records every pulse width with its clock time; `failOn` makes that width's writes reject. */
class FakeServoBoard implements ServoBoard {
  readonly description = 'PCA9685 i2c-1 0x40';
  readonly pulses: Array<[channel: number, us: number, at: number]> = [];
  failOn: number | undefined;
  constructor(private readonly clock: VirtualClock) {}
  async setPulseWidthUs(channel: number, us: number): Promise<void> {
    if (us === this.failOn) throw new GpioError('EIO', 0, 'simulated I2C failure');
    this.pulses.push([channel, us, this.clock.monotonic()]);
  }
}

describe('ServoFeeder', () => {
  const options = { closedUs: 1000, openUs: 2000, openMs: 1500, settleMs: 300 };

  it('closes the hatch on init', async () => {
    const clock = new VirtualClock(0);
    const board = new FakeServoBoard(clock);
    await new ServoFeeder(board, 0, clock, options).init();
    expect(board.pulses).toEqual([[0, 1000, 0]]);
  });

  it('opens, holds openMs, closes, and resolves after the return travel', async () => {
    const clock = new VirtualClock(0);
    const board = new FakeServoBoard(clock);
    const feeder = new ServoFeeder(board, 5, clock, options);
    const run = track(clock, feeder.dispense());
    await clock.advance(10_000);
    expect(await run.result).toBeUndefined();
    expect(board.pulses).toEqual([
      [5, 2000, 0],
      [5, 1000, 1500],
    ]);
    expect(run.settledAt()).toBe(1800);
  });

  it('commands the hatch closed even when opening fails, and reports the failure', async () => {
    const clock = new VirtualClock(0);
    const board = new FakeServoBoard(clock);
    board.failOn = 2000;
    const run = track(clock, new ServoFeeder(board, 0, clock, options).dispense());
    await clock.advance(10_000);
    expect(await run.result).toBeInstanceOf(GpioError);
    expect(board.pulses).toEqual([[0, 1000, 0]]);
  });

  it('rejects with rest-failed when the hatch cannot be closed', async () => {
    const clock = new VirtualClock(0);
    const board = new FakeServoBoard(clock);
    board.failOn = 1000;
    const run = track(clock, new ServoFeeder(board, 0, clock, options).dispense());
    await clock.advance(10_000);
    expect(await run.result).toMatchObject({ code: 'OUTPUT_DRIVER', kind: 'rest-failed' });
  });

  it('drives the closed position on stop()', async () => {
    const clock = new VirtualClock(0);
    const board = new FakeServoBoard(clock);
    await new ServoFeeder(board, 2, clock, options).stop();
    expect(board.pulses).toEqual([[2, 1000, 0]]);
  });
});
