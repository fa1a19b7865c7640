import type { Clock } from '../hal/clock.js';
import type { I2cBus } from '../hal/i2c.js';
import { DeviceIdentityError } from '../hal/errors.js';
import { DriverArgumentError, SensorDataError } from './errors.js';
import type { Quantity, Sample, SensorDriver } from './types.js';
import {
  compensateHumidity,
  compensatePressure,
  compensateTemperature,
  parseCalibration,
  parseRawData,
  type Bme280Calibration,
} from './bme280-compensation.js';
import {
  BME280_CHIP_ID,
  CALIB_00_LENGTH,
  CALIB_26_LENGTH,
  DATA_LENGTH,
  MODE_FORCED,
  MODE_SLEEP,
  REG_CALIB_00,
  REG_CALIB_26,
  REG_CHIP_ID,
  REG_CONFIG,
  REG_CTRL_HUM,
  REG_CTRL_MEAS,
  REG_DATA,
  REG_RESET,
  REG_STATUS,
  RESET_WORD,
  SKIPPED_16BIT,
  SKIPPED_20BIT,
  STARTUP_MS,
  STATUS_IM_UPDATE,
  STATUS_MEASURING,
  ctrlMeas,
  filterCode,
  maxMeasurementMs,
  oversamplingCode,
  type FilterCoefficient,
  type Oversampling,
} from './bme280-registers.js';

export { compensate, compensateHumidity, compensatePressure, compensateTemperature, parseCalibration, parseRawData } from './bme280-compensation.js';
export type { Bme280Calibration, Bme280Measurement, Bme280RawData } from './bme280-compensation.js';
export type { FilterCoefficient, Oversampling } from './bme280-registers.js';

/** Measurement settings (§3.4, §5.4.3, §5.4.5, §5.4.6); the config schema's `bme280` sensor has this shape. */
export interface Bme280Options {
  /** Oversampling per channel; temperature must be enabled (pressure and humidity need t_fine). */
  oversampling: { temperature: Oversampling; pressure: Oversampling; humidity: Oversampling };
  /** IIR filter coefficient (0 = off, Bosch's "weather monitoring" setting). */
  filter: FilterCoefficient;
  /** Status polls after the maximum measurement time before `not-ready` (default 5). */
  maxStatusPolls?: number;
  /** Wait between status polls, ms (default 1). */
  pollIntervalMs?: number;
}

/** Operating range, °C and Pa (DS002 §1, Table 1/2): a compensated value outside it is not a measurement. */
const RANGE = { temperature: [-40, 85], pressure: [30_000, 110_000] } as const;

/**
 * BME280 temperature/humidity/pressure sensor over I2C, in forced mode (one conversion per `read()`,
 * then back to sleep: no self-heating between reads), per Bosch BST-BME280-DS002. Throws
 * `I2cError` from the bus, `DeviceIdentityError` for a wrong chip id, `SensorDataError` for
 * unusable data, `DriverArgumentError` for a configuration the chip cannot do. Not re-entrant:
 * the caller (devices/) serialises calls.
 */
export class Bme280 implements SensorDriver {
  /** e.g. `BME280 i2c-1 0x76`. */
  readonly description: string;
  /** temperature, then humidity and pressure where their oversampling is not 0. */
  readonly quantities: readonly Quantity[];
  private calibration: Bme280Calibration | null = null;

  constructor(
    private readonly bus: I2cBus,
    private readonly address: number,
    private readonly clock: Clock,
    private readonly options: Bme280Options,
  ) {
    this.description = `BME280 i2c-${bus.busNumber} 0x${address.toString(16).padStart(2, '0')}`;
    const { humidity, pressure } = options.oversampling;
    this.quantities = ['temperature', ...(humidity > 0 ? (['humidity'] as const) : []), ...(pressure > 0 ? (['pressure'] as const) : [])];
  }

  /** Checks the chip id (0xD0 = 0x60, §5.4.1), then {@link reset}s: soft reset, calibration, configuration. */
  async init(): Promise<void> {
    if (this.options.oversampling.temperature === 0) {
      throw new DriverArgumentError('oversampling.temperature', `${this.description}: temperature oversampling 0 skips t_fine, which pressure and humidity need`);
    }
    const id = await this.bus.readByte(this.address, REG_CHIP_ID);
    if (id !== BME280_CHIP_ID) {
      const hint = id >= 0x56 && id <= 0x58 ? ' (a BMP280: no humidity sensor)' : '';
      throw new DeviceIdentityError(`${this.description}: chip id ${hex(id)}${hint}, expected ${hex(BME280_CHIP_ID)}`);
    }
    await this.reset();
  }

  /**
   * Soft reset (0xB6 to 0xE0, §5.4.2), wait t_startup (2 ms) and for the NVM copy (status im_update
   * clear, §5.4.4), reload calibration (§4.2.2), then write ctrl_hum, config (filter, t_sb 0.5 ms)
   * and ctrl_meas in sleep mode; ctrl_hum takes effect with the ctrl_meas write (§5.4.3).
   */
  async reset(): Promise<void> {
    this.calibration = null;
    await this.bus.writeByte(this.address, REG_RESET, RESET_WORD);
    await this.clock.sleep(STARTUP_MS);
    await this.waitStatusClear(STATUS_IM_UPDATE, 'NVM calibration copy');
    const block88 = await this.bus.readBlock(this.address, REG_CALIB_00, CALIB_00_LENGTH);
    const blockE1 = await this.bus.readBlock(this.address, REG_CALIB_26, CALIB_26_LENGTH);
    const calibration = parseCalibration(block88, blockE1);
    if (calibration.dig_T1 === 0 || calibration.dig_P1 === 0) {
      throw new SensorDataError('garbage', `${this.description}: calibration is blank (dig_T1 ${calibration.dig_T1}, dig_P1 ${calibration.dig_P1})`);
    }
    const { temperature, pressure, humidity } = this.options.oversampling;
    await this.bus.writeByte(this.address, REG_CTRL_HUM, oversamplingCode(humidity));
    await this.bus.writeByte(this.address, REG_CONFIG, filterCode(this.options.filter) << 2);
    await this.bus.writeByte(this.address, REG_CTRL_MEAS, ctrlMeas(temperature, pressure, MODE_SLEEP));
    this.calibration = calibration;
  }

  /**
   * One forced-mode measurement (§3.3.3): ctrl_hum, ctrl_meas with mode 01, wait the maximum
   * measurement time (Appendix B), poll status.measuring, burst-read 0xF7..0xFE, compensate.
   * Returns temperature (°C), humidity (%RH) and pressure (Pa) samples for the enabled channels.
   */
  async read(): Promise<Sample[]> {
    const calibration = this.calibration;
    if (!calibration) throw new SensorDataError('not-ready', `${this.description}: not initialised (call init() or reset() first)`);
    const { temperature, pressure, humidity } = this.options.oversampling;
    await this.bus.writeByte(this.address, REG_CTRL_HUM, oversamplingCode(humidity));
    await this.bus.writeByte(this.address, REG_CTRL_MEAS, ctrlMeas(temperature, pressure, MODE_FORCED));
    await this.clock.sleep(maxMeasurementMs(temperature, pressure, humidity));
    await this.waitStatusClear(STATUS_MEASURING, 'measurement');
    const raw = parseRawData(await this.bus.readBlock(this.address, REG_DATA, DATA_LENGTH));
    // All three at their skipped/reset values (Table 18): no conversion reached the data registers.
    // adcT alone may legitimately be 0x80000 (about 26.5 °C), so only the combination is rejected.
    if (raw.adcT === SKIPPED_20BIT && raw.adcP === SKIPPED_20BIT && raw.adcH === SKIPPED_16BIT) {
      throw new SensorDataError('garbage', `${this.description}: data registers hold the skipped/reset value, no measurement`);
    }
    const { temperatureC, tFine } = compensateTemperature(calibration, raw.adcT);
    checkRange(this.description, 'temperature', temperatureC, RANGE.temperature);
    const samples: Sample[] = [{ quantity: 'temperature', value: temperatureC }];
    if (humidity > 0) samples.push({ quantity: 'humidity', value: compensateHumidity(calibration, raw.adcH, tFine) });
    if (pressure > 0) {
      const pressurePa = compensatePressure(calibration, raw.adcP, tFine);
      checkRange(this.description, 'pressure', pressurePa, RANGE.pressure);
      samples.push({ quantity: 'pressure', value: pressurePa });
    }
    return samples;
  }

  /** Polls status (0xF3) until `mask` is clear, at most `maxStatusPolls` reads; throws `not-ready`. */
  private async waitStatusClear(mask: number, what: string): Promise<void> {
    const polls = this.options.maxStatusPolls ?? 5;
    const interval = this.options.pollIntervalMs ?? 1;
    for (let i = 0; i < polls; i++) {
      if (i > 0) await this.clock.sleep(interval);
      const status = await this.bus.readByte(this.address, REG_STATUS);
      if ((status & mask) === 0) return;
    }
    throw new SensorDataError('not-ready', `${this.description}: ${what} still running after ${polls} status polls`);
  }
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(2, '0')}`;
}

function checkRange(description: string, quantity: string, value: number, [min, max]: readonly [number, number]): void {
  if (!(value >= min && value <= max)) {
    throw new SensorDataError('out-of-range', `${description}: ${quantity} ${value.toFixed(2)} outside the sensor's range ${min}..${max}`);
  }
}
