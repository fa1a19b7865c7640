import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { ComponentNotReadyError, ImplausibleValueError, ReadBackMismatchError, StuckValueError } from '../../src/devices/errors.js';
import { DriverArgumentError, OutputError, SensorDataError } from '../../src/drivers/errors.js';
import { BackendUnavailableError, DeviceIdentityError, GpioError, I2cError, OneWireError } from '../../src/hal/errors.js';
import { type ErrorClass, classifyError } from '../../src/resilience/classify.js';
import { RetryExhaustedError, TimeoutError } from '../../src/resilience/retry.js';

function sysErr(code: string): Error {
  return Object.assign(new Error(`${code} from the kernel`), { code, errno: -5 });
}

const table: [string, unknown, ErrorClass][] = [
  ['I2C EIO', new I2cError('EIO', 1, 0x76, 'x'), 'transient'],
  ['I2C EREMOTEIO (NACK from i2c-dev)', new I2cError('EREMOTEIO', 1, 0x76, 'x'), 'transient'],
  ['I2C ETIMEDOUT', new I2cError('ETIMEDOUT', 1, 0x76, 'x'), 'transient'],
  ['I2C EAGAIN', new I2cError('EAGAIN', 1, 0x76, 'x'), 'transient'],
  ['I2C EBUSY', new I2cError('EBUSY', 1, 0x76, 'x'), 'transient'],
  ['I2C NACK', new I2cError('NACK', 1, 0x76, 'x'), 'transient'],
  ['I2C of unknown errno', new I2cError('UNKNOWN', 1, 0x76, 'x'), 'transient'],
  ['1-Wire EIO', new OneWireError('EIO', '28-000005e2fdc3', 'x'), 'transient'],
  ['GPIO EIO', new GpioError('EIO', 17, 'x'), 'transient'],
  ['operation timeout', new TimeoutError('read', 2000), 'transient'],
  ['BME280 conversion not ready', new SensorDataError('not-ready', 'x'), 'transient'],
  ['feeder busy', new OutputError('busy', 'x'), 'transient'],
  ['raw Node EIO', sysErr('EIO'), 'transient'],
  ['raw Node ETIMEDOUT', sysErr('ETIMEDOUT'), 'transient'],
  ['I2C ENOENT (no /dev/i2c-N)', new I2cError('ENOENT', 3, 0x76, 'x'), 'permanent'],
  ['I2C EACCES (not in the i2c group)', new I2cError('EACCES', 1, 0x76, 'x'), 'permanent'],
  ['GPIO EPERM', new GpioError('EPERM', 17, 'x'), 'permanent'],
  ['GPIO ENODEV', new GpioError('ENODEV', 17, 'x'), 'permanent'],
  ['GPIO EINVAL', new GpioError('EINVAL', 99, 'x'), 'permanent'],
  ['1-Wire device absent (ENOENT)', new OneWireError('ENOENT', '28-000005e2fdc3', 'x'), 'permanent'],
  ['raw Node ENOENT', sysErr('ENOENT'), 'permanent'],
  ['wrong chip id', new DeviceIdentityError('chip id 0x58'), 'permanent'],
  ['backend missing', new BackendUnavailableError('i2c-bus not installed'), 'permanent'],
  ['PWM read-back mismatch', new OutputError('read-back-mismatch', 'x'), 'permanent'],
  ['relay read-back mismatch', new ReadBackMismatchError('heater', false, true), 'permanent'],
  ['driver argument out of range', new DriverArgumentError('channel', 'x'), 'permanent'],
  ['component without a driver', new ComponentNotReadyError('air', 'x'), 'permanent'],
  ['a programming error', new TypeError('x is undefined'), 'permanent'],
  ['a thrown string', 'boom', 'permanent'],
  ['DS18B20 CRC failure', new SensorDataError('crc', 'x'), 'data'],
  ['DS18B20 85 °C power-on value', new SensorDataError('power-on-value', 'x'), 'data'],
  ['out of the chip range', new SensorDataError('out-of-range', 'x'), 'data'],
  ['garbage', new SensorDataError('garbage', 'x'), 'data'],
  ['implausible value', new ImplausibleValueError('air', 'temperature', 85, { min: 5, max: 45 }), 'data'],
  ['stuck value', new StuckValueError('air', 'temperature', 24.5, 1_800_000), 'data'],
  ['invalid configuration', new ConfigError('x.json', [{ path: 'a', message: 'b' }]), 'configuration'],
  ['retries exhausted on EIO', new RetryExhaustedError(3, [new I2cError('EIO', 1, 0x76, 'x')]), 'transient'],
];

describe('classifyError', () => {
  it.each(table)('classifies %s', (_name, err, expected) => {
    expect(classifyError(err)).toBe(expected);
  });

  it('ignores message text: an ENOENT-sounding message on an EIO error stays transient', () => {
    expect(classifyError(new I2cError('EIO', 1, 0x76, 'ENOENT wrong chip id CONFIG_INVALID'))).toBe('transient');
  });
});
