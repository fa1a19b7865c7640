import type { Clock } from '../src/hal/clock.js';
import { I2cError, type HardwareErrno } from '../src/hal/errors.js';
import type { I2cBus } from '../src/hal/i2c.js';
import type { Random } from '../src/resilience/random.js';

/**
 * A register-level model of one I2C device. Block transfers are sequential single-register calls
 * with auto-increment (register + i, wrapping at 0xFF), which is how the BME280 and PCA9685 (AI=1)
 * behave. Values are bytes 0..255.
 */
export interface I2cDeviceModel {
  readRegister(reg: number): number;
  writeRegister(reg: number, value: number): void;
  /**
   * Optional: `false` when the device's register pointer does not advance within a block transfer
   * (PCA9685 with MODE1.AI = 0), so every byte of the block hits the start register. Absent = always advances.
   */
  autoIncrement?(): boolean;
  /** Optional: a plain read of `length` bytes without a register byte (register-less chips: PCF857x). */
  receive?(length: number): Uint8Array;
  /** Optional: a plain write without a register byte. */
  send?(data: Uint8Array): void;
}

/**
 * A fault injected on one address, settable at any time:
 * - `error-rate`: each transfer fails with EIO with probability `rate` (0..1), drawn from the bus's `Random`;
 * - `disconnect`: every transfer fails with EREMOTEIO (the address NACKs, as when unplugged);
 * - `slow`: each transfer waits `delayMs` on the bus's `Clock` before it happens and completes
 *   (clock stretching / a wedged bus), so a caller's per-attempt timeout can fire first;
 * - `garbage`: reads return random bytes; writes still reach the device.
 */
export type I2cFault = { kind: 'error-rate'; rate: number } | { kind: 'disconnect' } | { kind: 'slow'; delayMs: number } | { kind: 'garbage' };

/** Transfer counters since construction; a failed transfer counts in both. */
export interface I2cSimCounters {
  transfers: number;
  errors: number;
}

interface Slot {
  model: I2cDeviceModel;
  fault: I2cFault | null;
  counters: I2cSimCounters;
}

/** Largest SMBus/I2C block transfer the Linux i2c-dev `I2C_SMBUS_I2C_BLOCK_DATA` ioctl allows, bytes. */
const MAX_BLOCK = 32;

/** The Raspberry Pi's default I2C clock, Hz (`dtparam=i2c_arm_baudrate`, default 100000). */
export const DEFAULT_I2C_CLOCK_HZ = 100_000;

/**
 * Time one register transfer holds the bus, ms (I2C-bus specification UM10204: every byte is 8 data
 * bits and an acknowledge bit, 9 SCL cycles; START, repeated START and STOP about one cycle each):
 * - read of `n` bytes: START, address+W, register, repeated START, address+R, n data bytes, STOP:
 *   `(9 · (3 + n) + 3) / f_SCL`;
 * - write of `n` bytes: START, address+W, register, n data bytes, STOP: `(9 · (2 + n) + 2) / f_SCL`.
 * At 100 kHz: a byte read 0.39 ms, the BME280's 8-byte data burst 1.02 ms (~0.1 ms per byte).
 */
export function i2cTransferMs(kind: 'read' | 'write', n: number, clockHz: number): number {
  const cycles = kind === 'read' ? 9 * (3 + n) + 3 : 9 * (2 + n) + 2;
  return (cycles * 1000) / clockHz;
}

/**
 * A simulated `/dev/i2c-N`: devices attached by 7-bit address, transfers applied to their register
 * models, deterministic fault injection per address. Unknown address -> `I2cError('EREMOTEIO')`
 * (NACK, what Linux reports); after {@link close} every call rejects with `ENODEV` until
 * {@link reopen}. Cheap on the success path: one map lookup and no allocation besides the promise
 * and the returned block.
 */
export class SimI2cBus implements I2cBus {
  private readonly slots = new Map<number, Slot>();
  private closed = false;
  private readonly totals: I2cSimCounters = { transfers: 0, errors: 0 };
  private stalled = false;
  private stallWaiters: Array<() => void> = [];
  /** Monotonic ms the bus is free again (faithful timing: end of the last queued transfer). */
  private freeAt = 0;

  /**
   * @param clockHz faithful timing: each transfer holds the bus for {@link i2cTransferMs} at this SCL
   *   clock, transfers queue behind each other (the adapter does one at a time), one timer per
   *   transfer; omitted: transfers complete at once.
   */
  constructor(
    readonly busNumber: number,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly clockHz?: number,
  ) {}

  /**
   * Hangs (`true`) or frees (`false`) the whole bus, as a slave holding SDA low does: while stalled,
   * no transfer to any address completes; when freed, the transfers that were waiting fail with EIO
   * (they were lost) and later ones work again.
   */
  setStalled(stalled: boolean): void {
    this.stalled = stalled;
    if (stalled) return;
    const waiters = this.stallWaiters;
    this.stallWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Whether the bus is stalled. */
  get isStalled(): boolean {
    return this.stalled;
  }

  /** A transfer on a stalled bus: waits for the stall to clear, whatever the address, then fails as lost. */
  private async stall(address: number): Promise<never> {
    this.totals.transfers++;
    await new Promise<void>((resolve) => this.stallWaiters.push(resolve));
    return this.fail(address, this.slots.get(address), 'EIO', 'bus stalled (SDA held low); transfer lost');
  }

  /** Faithful timing: waits for the bus and the transfer's time. */
  private async hold(address: number, slot: Slot, kind: 'read' | 'write', n: number): Promise<void> {
    const now = this.clock.monotonic();
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + i2cTransferMs(kind, n, this.clockHz ?? DEFAULT_I2C_CLOCK_HZ);
    await this.clock.sleep(this.freeAt - now);
    if (this.closed) this.fail(address, slot, 'ENODEV', 'bus closed');
  }


  /** Attaches `model` at `address` (replacing any device there). */
  attach(address: number, model: I2cDeviceModel): void {
    this.slots.set(address, { model, fault: null, counters: { transfers: 0, errors: 0 } });
  }

  /** Removes the device at `address`; later transfers to it NACK. */
  detach(address: number): void {
    this.slots.delete(address);
  }

  /** Sets (or clears with `null`) the fault on `address`. Throws `RangeError` for a rate outside 0..1 or a negative delay. */
  setFault(address: number, fault: I2cFault | null): void {
    if (fault?.kind === 'error-rate' && !(fault.rate >= 0 && fault.rate <= 1)) throw new RangeError(`error rate ${fault.rate} outside 0..1`);
    if (fault?.kind === 'slow' && !(fault.delayMs >= 0)) throw new RangeError(`delay ${fault.delayMs} ms is negative`);
    const slot = this.slots.get(address);
    if (!slot) throw new RangeError(`no simulated device at 0x${address.toString(16)} on i2c-${this.busNumber}`);
    slot.fault = fault;
  }

  /** The fault currently set on `address`, or `null`. */
  faultOf(address: number): I2cFault | null {
    return this.slots.get(address)?.fault ?? null;
  }

  /** Counters for the whole bus, or for one address (zeros for an unknown address). A live view, not a copy. */
  counters(address?: number): Readonly<I2cSimCounters> {
    if (address === undefined) return this.totals;
    return this.slots.get(address)?.counters ?? { transfers: 0, errors: 0 };
  }

  /** Whether {@link close} was called without a later {@link reopen}. */
  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Makes a closed bus usable again (what reopening `/dev/i2c-N` does for a real bus). */
  reopen(): void {
    this.closed = false;
  }

  async readByte(address: number, register: number): Promise<number> {
    if (this.stalled) await this.stall(address);
    const slot = this.begin(address, register, 1);
    if (this.clockHz !== undefined) await this.hold(address, slot, 'read', 1);
    if (slot.fault !== null) await this.applyFault(address, slot);
    return slot.fault?.kind === 'garbage' ? this.randomByte() : slot.model.readRegister(register) & 0xff;
  }

  async writeByte(address: number, register: number, value: number): Promise<void> {
    if (this.stalled) await this.stall(address);
    const slot = this.begin(address, register, 1);
    if (!isByte(value)) this.fail(address, slot, 'EINVAL', `value ${value} is not a byte`);
    if (this.clockHz !== undefined) await this.hold(address, slot, 'write', 1);
    if (slot.fault !== null) await this.applyFault(address, slot);
    slot.model.writeRegister(register, value);
  }

  async readBlock(address: number, register: number, length: number): Promise<Uint8Array> {
    if (this.stalled) await this.stall(address);
    const slot = this.begin(address, register, length);
    if (this.clockHz !== undefined) await this.hold(address, slot, 'read', length);
    if (slot.fault !== null) await this.applyFault(address, slot);
    const out = new Uint8Array(length);
    const garbage = slot.fault?.kind === 'garbage';
    const step = slot.model.autoIncrement?.() === false ? 0 : 1;
    for (let i = 0; i < length; i++) out[i] = garbage ? this.randomByte() : slot.model.readRegister((register + i * step) & 0xff) & 0xff;
    return out;
  }

  async writeBlock(address: number, register: number, data: Uint8Array): Promise<void> {
    if (this.stalled) await this.stall(address);
    const slot = this.begin(address, register, data.length);
    if (this.clockHz !== undefined) await this.hold(address, slot, 'write', data.length);
    if (slot.fault !== null) await this.applyFault(address, slot);
    const step = slot.model.autoIncrement?.() === false ? 0 : 1;
    for (let i = 0; i < data.length; i++) slot.model.writeRegister((register + i * step) & 0xff, data[i]);
  }

  /** A plain read (no register byte) from a register-less chip; other devices reject with EIO. */
  async receive(address: number, length: number): Promise<Uint8Array> {
    const slot = this.begin(address, 0, length);
    if (slot.fault !== null) await this.applyFault(address, slot);
    if (!slot.model.receive) this.fail(address, slot, 'EIO', 'device does not support plain reads');
    if (slot.fault?.kind === 'garbage') return Uint8Array.from({ length }, () => this.randomByte());
    return slot.model.receive(length);
  }

  /** A plain write (no register byte) to a register-less chip; other devices reject with EIO. */
  async send(address: number, data: Uint8Array): Promise<void> {
    const slot = this.begin(address, 0, data.length);
    if (slot.fault !== null) await this.applyFault(address, slot);
    if (!slot.model.send) this.fail(address, slot, 'EIO', 'device does not support plain writes');
    slot.model.send(data);
  }

  /** Counts a transfer and checks bus, address and arguments; returns the slot or throws its `I2cError`. */
  private begin(address: number, register: number, length: number): Slot {
    this.totals.transfers++;
    const slot = this.slots.get(address);
    if (slot) slot.counters.transfers++;
    if (this.closed) this.fail(address, slot, 'ENODEV', 'bus closed');
    if (!slot) this.fail(address, slot, 'EREMOTEIO', 'no device answered (NACK)');
    if (!isByte(register)) this.fail(address, slot, 'EINVAL', `register ${register} is not a byte`);
    if (!(Number.isInteger(length) && length >= 1 && length <= MAX_BLOCK)) this.fail(address, slot, 'EINVAL', `block length ${length} outside 1..${MAX_BLOCK}`);
    return slot;
  }

  /** Applies the slot's fault before the transfer happens: throws for disconnect/error-rate, waits for slow. */
  private async applyFault(address: number, slot: Slot): Promise<void> {
    const fault = slot.fault;
    if (fault === null || fault.kind === 'garbage') return;
    if (fault.kind === 'disconnect') this.fail(address, slot, 'EREMOTEIO', 'no device answered (NACK)');
    if (fault.kind === 'error-rate' && this.random.next() < fault.rate) this.fail(address, slot, 'EIO', 'transfer failed');
    if (fault.kind === 'slow') {
      await this.clock.sleep(fault.delayMs);
      if (this.closed) this.fail(address, slot, 'ENODEV', 'bus closed');
    }
  }

  private fail(address: number, slot: Slot | undefined, errno: HardwareErrno, message: string): never {
    this.totals.errors++;
    if (slot) slot.counters.errors++;
    throw new I2cError(errno, this.busNumber, address, message);
  }

  private randomByte(): number {
    return Math.floor(this.random.next() * 256) & 0xff;
  }
}

function isByte(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= 0xff;
}
