import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, I2cError } from '../../src/hal/errors.js';
import { type I2cBusModule, I2cBusProvider, type PromisifiedBusLike } from '../../src/hal/i2c-bus-backend.js';

// The real package must fit the seam the backend declares (checked by tsc).
type RealI2c = typeof import('i2c-bus');
const _fits: (m: RealI2c) => I2cBusModule = (m) => m;
void _fits;

const sysErr = (code: string): Error => Object.assign(new Error(`${code}, simulated`), { code });

/** A deferred promise, to hold a transfer open and observe what runs meanwhile. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fake `i2c-bus` with one register map per address; records every call. */
class FakeI2c {
  readonly calls: string[] = [];
  readonly regs = new Map<number, Uint8Array>();
  opens = 0;
  closes = 0;
  fail: Error | undefined;
  shortBy = 0;
  gate: Promise<void> | undefined;
  active = 0;
  maxActive = 0;

  readonly module: I2cBusModule = {
    openPromisified: async (n: number) => {
      this.opens++;
      this.calls.push(`open ${n}`);
      return this.bus();
    },
  };

  private mem(addr: number): Uint8Array {
    let m = this.regs.get(addr);
    if (!m) this.regs.set(addr, (m = new Uint8Array(256)));
    return m;
  }

  private async op<T>(name: string, fn: () => T): Promise<T> {
    this.calls.push(name);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.gate) await this.gate;
      if (this.fail) throw this.fail;
      return fn();
    } finally {
      this.active--;
    }
  }

  private bus(): PromisifiedBusLike {
    return {
      readByte: (a, r) => this.op(`readByte ${a} ${r}`, () => this.mem(a)[r]),
      writeByte: (a, r, v) =>
        this.op(`writeByte ${a} ${r} ${v}`, () => {
          this.mem(a)[r] = v;
        }),
      readI2cBlock: (a, r, len, buf) =>
        this.op(`readI2cBlock ${a} ${r} ${len}`, () => {
          const n = len - this.shortBy;
          buf.set(this.mem(a).subarray(r, r + n));
          return { bytesRead: n, buffer: buf };
        }),
      i2cRead: (a, len, buf) =>
        this.op(`i2cRead ${a} ${len}`, () => {
          const n = len - this.shortBy;
          buf.set(this.mem(a).subarray(0, n));
          return { bytesRead: n, buffer: buf };
        }),
      i2cWrite: (a, len, buf) =>
        this.op(`i2cWrite ${a} ${len}`, () => {
          const n = len - this.shortBy;
          this.mem(a).set(buf.subarray(0, n), 0);
          return { bytesWritten: n, buffer: buf };
        }),
      writeI2cBlock: (a, r, len, buf) =>
        this.op(`writeI2cBlock ${a} ${r} ${len}`, () => {
          const n = len - this.shortBy;
          this.mem(a).set(buf.subarray(0, n), r);
          return { bytesWritten: n, buffer: buf };
        }),
      close: async () => {
        this.closes++;
        this.calls.push('close');
      },
    };
  }
}

describe('I2cBusProvider', () => {
  it('reads and writes bytes and blocks through i2c-bus', async () => {
    const fake = new FakeI2c();
    fake.regs.set(0x76, Uint8Array.from({ length: 256 }, (_, i) => i));
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    expect(bus.busNumber).toBe(1);
    expect(await bus.readByte(0x76, 0xd0)).toBe(0xd0);
    await bus.writeByte(0x76, 0xf4, 0x27);
    expect(await bus.readByte(0x76, 0xf4)).toBe(0x27);
    expect(Array.from(await bus.readBlock(0x76, 0xf7, 8))).toEqual([0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe]);
    await bus.writeBlock(0x40, 0x06, Uint8Array.of(0, 0, 0x33, 0x01));
    expect(Array.from(await bus.readBlock(0x40, 0x06, 4))).toEqual([0, 0, 0x33, 0x01]);
    expect(fake.calls).toEqual([
      'open 1',
      'readByte 118 208',
      'writeByte 118 244 39',
      'readByte 118 244',
      'readI2cBlock 118 247 8',
      'writeI2cBlock 64 6 4',
      'readI2cBlock 64 6 4',
    ]);
  });

  it('sends and receives plain bytes without a register for register-less chips (PCF8574)', async () => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    await bus.send?.(0x20, Uint8Array.of(0xfe, 0x7f));
    expect(Array.from((await bus.receive?.(0x20, 2)) ?? [])).toEqual([0xfe, 0x7f]);
    expect(fake.calls).toEqual(['open 1', 'i2cWrite 32 2', 'i2cRead 32 2']);
    fake.shortBy = 1;
    await expect(bus.receive?.(0x20, 2)).rejects.toMatchObject({ errno: 'EIO' });
  });

  it('runs one transfer at a time on a bus, in call order, even across handles', async () => {
    const fake = new FakeI2c();
    const provider = new I2cBusProvider({ load: async () => fake.module });
    const [a, b] = await Promise.all([provider.open(1), provider.open(1)]);
    const gate = deferred();
    fake.gate = gate.promise;
    const done = Promise.all([a.readByte(0x76, 1), b.writeByte(0x40, 2, 3), a.readBlock(0x76, 4, 2)]);
    await new Promise((r) => setImmediate(r));
    expect(fake.active).toBe(1);
    gate.resolve();
    await done;
    expect(fake.maxActive).toBe(1);
    expect(fake.opens).toBe(1);
    expect(fake.calls.slice(1)).toEqual(['readByte 118 1', 'writeByte 64 2 3', 'readI2cBlock 118 4 2']);
  });

  it('keeps serving the queue after a failed transfer', async () => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    fake.fail = sysErr('EIO');
    const first = bus.readByte(0x76, 0xd0);
    await expect(first).rejects.toBeInstanceOf(I2cError);
    fake.fail = undefined;
    expect(await bus.readByte(0x76, 0xd0)).toBe(0);
  });

  it.each([
    ['EREMOTEIO', 'NACK'],
    ['ENXIO', 'NACK'],
    ['EIO', 'EIO'],
    ['ETIMEDOUT', 'ETIMEDOUT'],
    ['EBUSY', 'EBUSY'],
    ['EWHATEVER', 'UNKNOWN'],
  ])('maps %s from i2c-bus to errno %s', async (code, errno) => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    fake.fail = sysErr(code);
    const e = await bus.readByte(0x77, 0xd0).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(I2cError);
    expect(e).toMatchObject({ code: 'I2C_IO', errno, bus: 1, address: 0x77 });
    expect((e as Error).cause).toBe(fake.fail);
  });

  it('says how to enable I2C when /dev/i2c-N is missing (ENOENT)', async () => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(3);
    fake.fail = sysErr('ENOENT');
    const e = (await bus.readByte(0x76, 0xd0).catch((err: unknown) => err)) as I2cError;
    expect(e.errno).toBe('ENOENT');
    expect(e.message).toContain('no /dev/i2c-3');
    expect(e.message).toContain('dtparam=i2c_arm=on');
  });

  it('rejects a short block read or write with EIO', async () => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    fake.shortBy = 2;
    await expect(bus.readBlock(0x76, 0x88, 26)).rejects.toMatchObject({ errno: 'EIO', message: expect.stringContaining('short read, got 24') });
    await expect(bus.writeBlock(0x40, 0x06, new Uint8Array(4))).rejects.toMatchObject({ errno: 'EIO', message: expect.stringContaining('short write, wrote 2') });
  });

  it.each([0, 33])('rejects a block of %i bytes (SMBus I2C block limit 1..32) without a transfer', async (len) => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    await expect(bus.readBlock(0x76, 0x88, len)).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(bus.writeBlock(0x76, 0x88, new Uint8Array(len))).rejects.toMatchObject({ errno: 'EINVAL' });
    expect(fake.calls).toEqual(['open 1']);
  });

  it('rejects a byte outside 0..255 without a transfer', async () => {
    const fake = new FakeI2c();
    const bus = await new I2cBusProvider({ load: async () => fake.module }).open(1);
    await expect(bus.writeByte(0x76, 0xf4, 256)).rejects.toMatchObject({ errno: 'EINVAL' });
    expect(fake.calls).toEqual(['open 1']);
  });

  it('closes the bus file with the last handle and rejects calls on a closed handle', async () => {
    const fake = new FakeI2c();
    const provider = new I2cBusProvider({ load: async () => fake.module });
    const a = await provider.open(1);
    const b = await provider.open(1);
    await a.close();
    expect(fake.closes).toBe(0);
    expect(await b.readByte(0x76, 0)).toBe(0);
    await expect(a.readByte(0x76, 0)).rejects.toMatchObject({ code: 'I2C_IO', errno: 'EINVAL' });
    await b.close();
    expect(fake.closes).toBe(1);
    await provider.open(1);
    expect(fake.opens).toBe(2);
  });

  it('fails with BackendUnavailableError, saying how to install, when i2c-bus is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'i2c-bus'"), { code: 'ERR_MODULE_NOT_FOUND' });
    let attempts = 0;
    const provider = new I2cBusProvider({
      load: () => {
        attempts++;
        return Promise.reject(missing);
      },
    });
    const e = await provider.open(1).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect((e as Error).message).toContain('npm install i2c-bus');
    expect((e as Error).cause).toBe(missing);
    await expect(provider.open(1)).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(attempts).toBe(2); // a failed load is retried, not cached
  });
});
