import { TerrariumError } from '../errors.js';

/** The device answered but the data is unusable: CRC failure, power-on value, out of range. */
export class SensorDataError extends TerrariumError {
  constructor(
    readonly kind: 'crc' | 'power-on-value' | 'out-of-range' | 'not-ready' | 'garbage',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('SENSOR_DATA', message, options);
  }
}

/**
 * An output driver (relay, dimmer, feeder) was used wrongly or did not take the state it was
 * driven to: `read-back-mismatch` (a PWM channel read back a different duty than written; a relay
 * line's mismatch is a `GpioError`), `not-initialised` (used before `init()` or after `close()`),
 * `busy` (a feed cycle is already running), `rest-failed` (a feeder could not be returned to rest:
 * the motor may still run or the hatch stay open; `cause` is the I/O error).
 * Plain I/O failures stay `GpioError`/`I2cError`.
 */
export class OutputError extends TerrariumError {
  constructor(
    readonly kind: 'read-back-mismatch' | 'not-initialised' | 'busy' | 'rest-failed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super('OUTPUT_DRIVER', message, options);
  }
}

/**
 * A driver method was called with an argument outside what the chip accepts (RangeError-like):
 * a PCA9685 channel outside 0..15, a duty cycle outside 0..1, a pulse longer than the PWM period,
 * a PWM frequency outside 24..1526 Hz, a BME280 configuration without temperature. A programming
 * or configuration error, never transient: do not retry it.
 */
export class DriverArgumentError extends TerrariumError {
  constructor(
    readonly argument: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('DRIVER_ARGUMENT', message, options);
  }
}
