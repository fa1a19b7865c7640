import { describe, expect, it } from 'vitest';
import { DriverArgumentError } from '../../src/drivers/errors.js';
import { Pca9685 } from '../../src/drivers/pca9685.js';
import { frequencyFor, prescaleFor } from '../../src/drivers/pca9685-registers.js';
import { I2cError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { Pca9685Sim } from '../../simulators/devices/pca9685-sim.js';
import { SimI2cBus, type I2cDeviceModel } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const ADDRESS = 0x40;

/** Records register writes with their virtual time, then forwards them. */
class Recorder implements I2cDeviceModel {
  writes: Array<[reg: number, value: number, atMs: number]> = [];
  constructor(
    private readonly inner: Pca9685Sim,
    private readonly clock: VirtualClock,
  ) {}
  readRegister(reg: number): number {
    return this.inner.readRegister(reg);
  }
  writeRegister(reg: number, value: number): void {
    this.writes.push([reg, value, this.clock.monotonic()]);
    this.inner.writeRegister(reg, value);
  }
  autoIncrement(): boolean {
    return this.inner.autoIncrement();
  }
}

function setup(options?: { frequencyHz?: number; oscillatorHz?: number }) {
  const clock = new VirtualClock(0);
  const bus = new SimI2cBus(1, clock, new SeededRandom(5));
  const sim = new Pca9685Sim(clock, { oscillatorHz: options?.oscillatorHz });
  const recorder = new Recorder(sim, clock);
  bus.attach(ADDRESS, recorder);
  const board = new Pca9685(bus, ADDRESS, clock, options);
  return { clock, bus, sim, recorder, board };
}

async function init(clock: VirtualClock, board: Pca9685): Promise<void> {
  const done = board.init();
  await clock.advance(1);
  await done;
}

describe('PCA9685 prescale (datasheet §7.3.5)', () => {
  it.each([
    { hz: 200, prescale: 30 }, // the datasheet's example and power-on value 0x1E
    { hz: 50, prescale: 121 },
    { hz: 1526, prescale: 3 },
    { hz: 24, prescale: 253 },
  ])('is $prescale for $hz Hz on the 25 MHz oscillator', ({ hz, prescale }) => {
    expect(prescaleFor(25_000_000, hz)).toBe(prescale);
  });

  it('gives 50.03 Hz for prescale 121', () => {
    expect(frequencyFor(25_000_000, 121)).toBeCloseTo(50.03, 2);
  });
});

describe('Pca9685 driver with the simulated board', () => {
  it('sleeps, sets the prescale, wakes, waits 500 µs, then restarts with auto-increment', async () => {
    const { clock, recorder, board, sim } = setup();
    await init(clock, board);
    expect(recorder.writes.map(([reg, value]) => [reg, value])).toEqual([
      [0x01, 0x04], // MODE2: OUTDRV
      [0x00, 0x30], // MODE1: SLEEP | AI
      [0xfe, 121],
      [0x00, 0x20], // MODE1: AI (wake)
      [0x00, 0xa0], // MODE1: RESTART | AI
    ]);
    expect(recorder.writes[4][2] - recorder.writes[3][2]).toBeGreaterThanOrEqual(0.5);
    expect(sim.frequencyHz()).toBeCloseTo(50.03, 2);
    expect(board.frequencyHz).toBe(sim.frequencyHz());
    expect(board.description).toBe('PCA9685 i2c-1 0x40');
  });

  it.each([
    { duty: 0, expected: 0, regs: [0, 0, 0, 0x10] },
    { duty: 1, expected: 1, regs: [0, 0x10, 0, 0] },
    { duty: 0.5, expected: 0.5, regs: [0, 0, 0x00, 0x08] },
    { duty: 0.25, expected: 0.25, regs: [0, 0, 0x00, 0x04] },
    { duty: 1e-6, expected: 1 / 4096, regs: [0, 0, 0x01, 0x00] },
    { duty: 0.99999, expected: 4095 / 4096, regs: [0, 0, 0xff, 0x0f] },
  ])('drives duty $duty as $expected and reads it back', async ({ duty, expected, regs }) => {
    const { clock, board, sim } = setup();
    await init(clock, board);
    await board.setDutyCycle(3, duty);
    const base = 0x06 + 4 * 3;
    expect([0, 1, 2, 3].map((i) => sim.readRegister(base + i))).toEqual(regs);
    expect(sim.dutyCycle(3)).toBe(expected);
    expect(await board.readDutyCycle(3)).toBe(expected);
  });

  it.each([1000, 1500, 2000])('gives the servo a %i µs pulse within one counter step', async (us) => {
    const { clock, board, sim } = setup();
    await init(clock, board);
    await board.setPulseWidthUs(0, us);
    const step = 1e6 / sim.frequencyHz() / 4096;
    expect(Math.abs(sim.pulseWidthUs(0) - us)).toBeLessThanOrEqual(step / 2);
  });

  it('times pulses against a trimmed oscillator', async () => {
    const { clock, board, sim } = setup({ oscillatorHz: 26_500_000 });
    await init(clock, board);
    await board.setPulseWidthUs(0, 1500);
    expect(Math.abs(sim.pulseWidthUs(0) - 1500)).toBeLessThanOrEqual(1e6 / sim.frequencyHz() / 4096 / 2);
    expect(sim.frequencyHz()).toBeCloseTo(50, 0);
  });

  it('turns a channel off with a single byte to LEDn_OFF_H', async () => {
    const { clock, board, sim, recorder } = setup();
    await init(clock, board);
    await board.setDutyCycle(15, 0.7);
    recorder.writes = [];
    await board.fullOff(15);
    expect(recorder.writes.map(([reg, value]) => [reg, value])).toEqual([[0x06 + 4 * 15 + 3, 0x10]]);
    expect(sim.dutyCycle(15)).toBe(0);
  });

  it.each([
    ['channel 16', (b: Pca9685) => b.setDutyCycle(16, 0.5)],
    ['channel -1', (b: Pca9685) => b.fullOff(-1)],
    ['channel 1.5', (b: Pca9685) => b.readDutyCycle(1.5)],
    ['duty 1.01', (b: Pca9685) => b.setDutyCycle(0, 1.01)],
    ['duty NaN', (b: Pca9685) => b.setDutyCycle(0, Number.NaN)],
    ['a pulse longer than the 20 ms period', (b: Pca9685) => b.setPulseWidthUs(0, 20_100)],
  ])('rejects %s with DriverArgumentError before touching the bus', async (_name, op) => {
    const { clock, board, bus } = setup();
    await init(clock, board);
    const before = bus.counters().transfers;
    const err = await op(board).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverArgumentError);
    expect((err as DriverArgumentError).code).toBe('DRIVER_ARGUMENT');
    expect(bus.counters().transfers).toBe(before);
  });

  it('refuses a frequency the prescaler cannot make', async () => {
    const { board } = setup({ frequencyHz: 2000 });
    await expect(board.init()).rejects.toBeInstanceOf(DriverArgumentError);
  });

  it('passes bus errors through as I2cError', async () => {
    const { clock, board, bus } = setup();
    await init(clock, board);
    bus.setFault(ADDRESS, { kind: 'disconnect' });
    await expect(board.setDutyCycle(0, 0.5)).rejects.toBeInstanceOf(I2cError);
  });

  it('reset() keeps running channels going and never sends the bus-wide general-call reset', async () => {
    const { clock, board, sim, bus } = setup();
    const generalCall = new Pca9685Sim(clock);
    const generalCallRecorder = new Recorder(generalCall, clock);
    bus.attach(0x00, generalCallRecorder);
    await init(clock, board);
    await board.setDutyCycle(2, 0.5);
    const done = board.reset();
    await clock.advance(1);
    await done;
    expect(generalCallRecorder.writes).toEqual([]);
    expect(sim.dutyCycle(2)).toBe(0.5);
  });
});
