import { describe, expect, it } from 'vitest';
import { withTimeout } from '../../src/hal/clock.js';
import { I2cError } from '../../src/hal/errors.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { SimI2cBus, type I2cDeviceModel } from '../../simulators/i2c-sim.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/** 256 plain read/write registers. */
class RegisterFile implements I2cDeviceModel {
  readonly regs = new Uint8Array(256);
  increment = true;
  readRegister(reg: number): number {
    return this.regs[reg];
  }
  writeRegister(reg: number, value: number): void {
    this.regs[reg] = value;
  }
  autoIncrement(): boolean {
    return this.increment;
  }
}

function setup(seed = 42) {
  const clock = new VirtualClock(0);
  const bus = new SimI2cBus(1, clock, new SeededRandom(seed));
  const device = new RegisterFile();
  bus.attach(0x40, device);
  return { clock, bus, device };
}

async function errorOf(p: Promise<unknown>): Promise<I2cError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(I2cError);
  return e as I2cError;
}

describe('SimI2cBus', () => {
  it('NACKs an address with no device as EREMOTEIO, naming bus and address', async () => {
    const { bus } = setup();
    const e = await errorOf(bus.readByte(0x77, 0xd0));
    expect([e.code, e.errno, e.bus, e.address]).toEqual(['I2C_IO', 'EREMOTEIO', 1, 0x77]);
    expect(e.message).toContain('i2c-1 0x77');
  });

  it('reads and writes single registers and auto-incrementing blocks', async () => {
    const { bus, device } = setup();
    await bus.writeByte(0x40, 0x10, 0xab);
    await bus.writeBlock(0x40, 0x20, Uint8Array.of(1, 2, 3));
    expect([...device.regs.subarray(0x20, 0x23)]).toEqual([1, 2, 3]);
    expect(await bus.readByte(0x40, 0x10)).toBe(0xab);
    expect([...(await bus.readBlock(0x40, 0x1f, 5))]).toEqual([0, 1, 2, 3, 0]);
  });

  it('keeps the register pointer still when the device turns auto-increment off', async () => {
    const { bus, device } = setup();
    device.increment = false;
    await bus.writeBlock(0x40, 0x06, Uint8Array.of(1, 2, 3, 4));
    expect([...device.regs.subarray(0x06, 0x0a)]).toEqual([4, 0, 0, 0]);
    expect([...(await bus.readBlock(0x40, 0x06, 3))]).toEqual([4, 4, 4]);
  });

  it.each([
    ['a block longer than 32 bytes', (bus: SimI2cBus) => bus.readBlock(0x40, 0, 33)],
    ['an empty block', (bus: SimI2cBus) => bus.writeBlock(0x40, 0, new Uint8Array(0))],
    ['a register above 0xFF', (bus: SimI2cBus) => bus.readByte(0x40, 0x100)],
    ['a value above 0xFF', (bus: SimI2cBus) => bus.writeByte(0x40, 0, 256)],
  ])('rejects %s with EINVAL', async (_name, op) => {
    const { bus } = setup();
    expect((await errorOf(op(bus))).errno).toBe('EINVAL');
  });

  it('fails a reproducible share of transfers with EIO under an error rate', async () => {
    const { bus } = setup(42);
    bus.setFault(0x40, { kind: 'error-rate', rate: 0.3 });
    const expected = new SeededRandom(42);
    for (let i = 0; i < 500; i++) {
      const fails = expected.next() < 0.3;
      const outcome = await bus.readByte(0x40, 0).then(
        () => 'ok',
        (e: I2cError) => e.errno,
      );
      expect(outcome).toBe(fails ? 'EIO' : 'ok');
    }
    expect(bus.counters(0x40).errors).toBeGreaterThan(100);
    expect(bus.counters(0x40).errors).toBeLessThan(200);
  });

  it('NACKs every transfer while disconnected and recovers when the fault is cleared', async () => {
    const { bus } = setup();
    bus.setFault(0x40, { kind: 'disconnect' });
    expect((await errorOf(bus.writeByte(0x40, 0, 1))).errno).toBe('EREMOTEIO');
    expect((await errorOf(bus.readBlock(0x40, 0, 4))).errno).toBe('EREMOTEIO');
    bus.setFault(0x40, null);
    await bus.writeByte(0x40, 0, 1);
    expect(await bus.readByte(0x40, 0)).toBe(1);
  });

  it('completes a slow transfer only after its delay on the clock, so a shorter timeout fires first', async () => {
    const { bus, clock, device } = setup();
    device.regs[5] = 9;
    bus.setFault(0x40, { kind: 'slow', delayMs: 50 });
    let value: number | undefined;
    void bus.readByte(0x40, 5).then((v) => (value = v));
    await clock.advance(49);
    expect(value).toBeUndefined();
    await clock.advance(1);
    expect(value).toBe(9);

    const timedOut = withTimeout(clock, bus.readByte(0x40, 5), 20, () => new Error('attempt timeout'));
    const outcome = timedOut.then(
      () => 'value',
      (e: Error) => e.message,
    );
    await clock.advance(60);
    expect(await outcome).toBe('attempt timeout');
  });

  it('returns the injected random bytes under the garbage fault but still delivers writes', async () => {
    const { bus, device } = setup(99);
    device.regs.set([1, 2, 3, 4], 0);
    bus.setFault(0x40, { kind: 'garbage' });
    const expected = new SeededRandom(99);
    const bytes = Array.from({ length: 4 }, () => Math.floor(expected.next() * 256));
    expect([...(await bus.readBlock(0x40, 0, 4))]).toEqual(bytes);
    await bus.writeByte(0x40, 7, 0x5a);
    expect(device.regs[7]).toBe(0x5a);
  });

  it('rejects every call after close() with ENODEV until reopen()', async () => {
    const { bus } = setup();
    await bus.close();
    expect(bus.isClosed).toBe(true);
    expect((await errorOf(bus.readByte(0x40, 0))).errno).toBe('ENODEV');
    bus.reopen();
    expect(await bus.readByte(0x40, 0)).toBe(0);
  });

  it('counts transfers and errors per address and for the bus', async () => {
    const { bus } = setup();
    await bus.readByte(0x40, 0);
    await bus.readBlock(0x40, 0, 8);
    await bus.readByte(0x41, 0).catch(() => undefined);
    expect(bus.counters(0x40)).toEqual({ transfers: 2, errors: 0 });
    expect(bus.counters()).toEqual({ transfers: 3, errors: 1 });
  });

  it('refuses a fault for an absent device or an impossible rate', () => {
    const { bus } = setup();
    expect(() => bus.setFault(0x41, { kind: 'disconnect' })).toThrow(RangeError);
    expect(() => bus.setFault(0x40, { kind: 'error-rate', rate: 1.5 })).toThrow(RangeError);
  });
});
