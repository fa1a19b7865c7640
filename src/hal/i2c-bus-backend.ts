import { BackendUnavailableError, errnoOf, type HardwareErrno, I2cError } from './errors.js';
import type { I2cBus, I2cProvider } from './i2c.js';

/** The part of an `i2c-bus` `PromisifiedBus` this backend uses (@types/i2c-bus 5.1). */
export interface PromisifiedBusLike {
  readByte(address: number, command: number): Promise<number>;
  writeByte(address: number, command: number, byte: number): Promise<void>;
  readI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  writeI2cBlock(address: number, command: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
  i2cRead(address: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  i2cWrite(address: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number; buffer: Buffer }>;
  close(): Promise<void>;
}

/** The part of the `i2c-bus` module this backend uses; `typeof import('i2c-bus')` satisfies it. */
export interface I2cBusModule {
  openPromisified(busNumber: number): Promise<PromisifiedBusLike>;
}

/** Options of {@link I2cBusProvider}. */
export interface I2cBusProviderOptions {
  /** Loads `i2c-bus`; tests inject a fake. Default: `await import('i2c-bus')`. */
  load?: () => Promise<I2cBusModule>;
}

/** SMBus "I2C block" transfers carry at most 32 bytes (Linux `I2C_SMBUS_BLOCK_MAX`, include/uapi/linux/i2c.h). */
export const I2C_BLOCK_MAX = 32;

/** Imports the optional native `i2c-bus` package; the specifier is a variable so tsc never needs it installed. */
async function importI2cBus(): Promise<I2cBusModule> {
  const specifier: string = 'i2c-bus';
  const mod = (await import(specifier)) as Partial<I2cBusModule> & { default?: Partial<I2cBusModule> };
  const openPromisified = mod.openPromisified ?? mod.default?.openPromisified;
  if (!openPromisified) throw new Error('the i2c-bus module has no openPromisified export');
  return { openPromisified };
}

/**
 * Linux errno of a failed transfer, as the drivers' retry logic needs it. An unanswered address
 * shows up as EREMOTEIO (i2c-bcm2835) or ENXIO (other adapters; Documentation/i2c/fault-codes.rst):
 * both become `NACK`.
 */
export function i2cErrno(err: unknown): HardwareErrno {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EREMOTEIO' || code === 'ENXIO') return 'NACK';
  return errnoOf(err);
}

/** One opened `/dev/i2c-N` shared by every handle on it, with a promise-chain mutex and a refcount. */
class SharedBus {
  private tail: Promise<unknown> = Promise.resolve();
  refs = 0;

  constructor(
    readonly busNumber: number,
    readonly bus: PromisifiedBusLike,
  ) {}

  /** Runs `fn` after every transfer queued before it, whether those succeeded or failed. */
  serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** A handle on a {@link SharedBus}; every failure becomes an {@link I2cError}. */
class I2cBusHandle implements I2cBus {
  private closed = false;

  constructor(
    private readonly shared: SharedBus,
    private readonly release: (shared: SharedBus) => Promise<void>,
  ) {}

  get busNumber(): number {
    return this.shared.busNumber;
  }

  readByte(address: number, register: number): Promise<number> {
    return this.transfer(address, `read register ${hex(register)}`, () => this.shared.bus.readByte(address, register));
  }

  writeByte(address: number, register: number, value: number): Promise<void> {
    if (!Number.isInteger(value) || value < 0 || value > 255) {
      return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `write register ${hex(register)}: byte ${value} outside 0..255`));
    }
    return this.transfer(address, `write register ${hex(register)}`, () => this.shared.bus.writeByte(address, register, value));
  }

  readBlock(address: number, register: number, length: number): Promise<Uint8Array> {
    const what = `read ${length} bytes from ${hex(register)}`;
    if (!Number.isInteger(length) || length < 1 || length > I2C_BLOCK_MAX) {
      return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `${what}: length must be 1..${I2C_BLOCK_MAX}`));
    }
    return this.transfer(address, what, async () => {
      const { bytesRead, buffer } = await this.shared.bus.readI2cBlock(address, register, length, Buffer.alloc(length));
      if (bytesRead !== length) throw new I2cError('EIO', this.busNumber, address, `${what}: short read, got ${bytesRead}`);
      return new Uint8Array(buffer.subarray(0, length));
    });
  }

  writeBlock(address: number, register: number, data: Uint8Array): Promise<void> {
    const what = `write ${data.length} bytes to ${hex(register)}`;
    if (data.length < 1 || data.length > I2C_BLOCK_MAX) {
      return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `${what}: length must be 1..${I2C_BLOCK_MAX}`));
    }
    return this.transfer(address, what, async () => {
      const { bytesWritten } = await this.shared.bus.writeI2cBlock(address, register, data.length, Buffer.from(data));
      if (bytesWritten !== data.length) throw new I2cError('EIO', this.busNumber, address, `${what}: short write, wrote ${bytesWritten}`);
    });
  }

  receive(address: number, length: number): Promise<Uint8Array> {
    const what = `plain read of ${length} bytes`;
    if (!Number.isInteger(length) || length < 1 || length > I2C_BLOCK_MAX) {
      return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `${what}: length must be 1..${I2C_BLOCK_MAX}`));
    }
    return this.transfer(address, what, async () => {
      const { bytesRead, buffer } = await this.shared.bus.i2cRead(address, length, Buffer.alloc(length));
      if (bytesRead !== length) throw new I2cError('EIO', this.busNumber, address, `${what}: short read, got ${bytesRead}`);
      return new Uint8Array(buffer.subarray(0, length));
    });
  }

  send(address: number, data: Uint8Array): Promise<void> {
    const what = `plain write of ${data.length} bytes`;
    if (data.length < 1 || data.length > I2C_BLOCK_MAX) {
      return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `${what}: length must be 1..${I2C_BLOCK_MAX}`));
    }
    return this.transfer(address, what, async () => {
      const { bytesWritten } = await this.shared.bus.i2cWrite(address, data.length, Buffer.from(data));
      if (bytesWritten !== data.length) throw new I2cError('EIO', this.busNumber, address, `${what}: short write, wrote ${bytesWritten}`);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release(this.shared);
  }

  private transfer<T>(address: number, what: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new I2cError('EINVAL', this.busNumber, address, `${what}: bus handle is closed`));
    return this.shared.serialise(async () => {
      try {
        return await fn();
      } catch (e) {
        if (e instanceof I2cError) throw e;
        const errno = i2cErrno(e);
        const hint = errno === 'ENOENT' ? ` (no /dev/i2c-${this.busNumber}: enable I2C with raspi-config or dtparam=i2c_arm=on)` : '';
        const detail = e instanceof Error ? e.message : String(e);
        throw new I2cError(errno, this.busNumber, address, `${what} failed: ${detail}${hint}`, { cause: e });
      }
    });
  }
}

/**
 * Real I2C through the optional native `i2c-bus` package (SMBus ioctls on `/dev/i2c-N`).
 * `i2c-bus` is imported lazily in {@link open}, so this file loads on a laptop without it; a missing
 * package fails there, with {@link BackendUnavailableError}.
 *
 * Every `open(n)` of the same bus shares one `PromisifiedBus`, and transfers on it run one at a
 * time (one bus object per process). The bus file closes with the last handle.
 * `openPromisified` opens files lazily, so a missing `/dev/i2c-N` shows up as `I2cError` ENOENT on
 * the first transfer: do a startup probe (e.g. BME280 chip id).
 */
export class I2cBusProvider implements I2cProvider {
  private modulePromise: Promise<I2cBusModule> | undefined;
  private readonly buses = new Map<number, Promise<SharedBus>>();

  constructor(private readonly opts: I2cBusProviderOptions = {}) {}

  async open(busNumber: number): Promise<I2cBus> {
    for (;;) {
      let pending = this.buses.get(busNumber);
      if (!pending) {
        const created = this.openShared(busNumber);
        created.catch(() => {
          if (this.buses.get(busNumber) === created) this.buses.delete(busNumber);
        });
        this.buses.set(busNumber, created);
        pending = created;
      }
      const shared = await pending;
      // The last handle may have closed this bus while we waited: open a fresh one.
      if (this.buses.get(busNumber) !== pending) continue;
      shared.refs++;
      return new I2cBusHandle(shared, (s) => this.release(s));
    }
  }

  private async openShared(busNumber: number): Promise<SharedBus> {
    const mod = await this.i2cBus();
    try {
      return new SharedBus(busNumber, await mod.openPromisified(busNumber));
    } catch (e) {
      throw new I2cError(i2cErrno(e), busNumber, 0, `cannot open /dev/i2c-${busNumber}`, { cause: e });
    }
  }

  private async release(shared: SharedBus): Promise<void> {
    if (--shared.refs > 0) return;
    this.buses.delete(shared.busNumber);
    try {
      await shared.serialise(() => shared.bus.close());
    } catch (e) {
      throw new I2cError(i2cErrno(e), shared.busNumber, 0, `cannot close /dev/i2c-${shared.busNumber}`, { cause: e });
    }
  }

  private i2cBus(): Promise<I2cBusModule> {
    this.modulePromise ??= (this.opts.load ?? importI2cBus)().catch((e: unknown) => {
      this.modulePromise = undefined;
      throw new BackendUnavailableError(
        'I2C needs the optional i2c-bus package, which is not installed or did not build: ' +
          'run `npm install i2c-bus` on the Pi (needs build-essential and python3)',
        { cause: e },
      );
    });
    return this.modulePromise;
  }
}
