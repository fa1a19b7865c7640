import { TerrariumError } from '../errors.js';

/** Linux errno names we see from I2C, GPIO and 1-Wire I/O, plus `NACK` for an unanswered address. */
export type HardwareErrno =
  | 'EIO'
  | 'EREMOTEIO'
  | 'ETIMEDOUT'
  | 'EAGAIN'
  | 'EBUSY'
  | 'NACK'
  | 'ENOENT'
  | 'EACCES'
  | 'EPERM'
  | 'EINVAL'
  | 'ENODEV'
  | 'UNKNOWN';

/** Normalises a Node/system error's `code` (e.g. from i2c-bus or fs) to a {@link HardwareErrno}. */
export function errnoOf(err: unknown): HardwareErrno {
  const code = (err as { code?: unknown; errno?: unknown } | null)?.code;
  const known: HardwareErrno[] = ['EIO', 'EREMOTEIO', 'ETIMEDOUT', 'EAGAIN', 'EBUSY', 'NACK', 'ENOENT', 'EACCES', 'EPERM', 'EINVAL', 'ENODEV'];
  return typeof code === 'string' && (known as string[]).includes(code) ? (code as HardwareErrno) : 'UNKNOWN';
}

/** An I2C transfer failed. `errno` says why (EIO, EREMOTEIO/NACK, ETIMEDOUT, ENOENT for a missing bus). */
export class I2cError extends TerrariumError {
  constructor(
    readonly errno: HardwareErrno,
    readonly bus: number,
    readonly address: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('I2C_IO', `i2c-${bus} 0x${address.toString(16).padStart(2, '0')}: ${message} (${errno})`, options);
  }
}

/** A GPIO line could not be opened, written or read. `line` is the BCM line number. */
export class GpioError extends TerrariumError {
  constructor(
    readonly errno: HardwareErrno,
    readonly line: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('GPIO_IO', `GPIO${line}: ${message} (${errno})`, options);
  }
}

/** A 1-Wire device file could not be read (ENOENT: device absent; EIO: bus error). */
export class OneWireError extends TerrariumError {
  constructor(
    readonly errno: HardwareErrno,
    readonly deviceId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('ONEWIRE_IO', `1-Wire ${deviceId}: ${message} (${errno})`, options);
  }
}

/** A device answered but is not what the config says (e.g. BME280 chip id not 0x60). Permanent. */
export class DeviceIdentityError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DEVICE_IDENTITY', message, options);
  }
}

/** A real hardware backend (i2c-bus, onoff, gpiod tools) is not installed or not usable here. */
export class BackendUnavailableError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BACKEND_UNAVAILABLE', message, options);
  }
}
