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
