import type { Clock } from '../../src/hal/clock.js';
import { parseCalibration, type Bme280Calibration, type Bme280RawData } from '../../src/drivers/bme280.js';
import {
  BME280_CHIP_ID,
  CALIB_00_LENGTH,
  CALIB_26_LENGTH,
  MODE_NORMAL,
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
  STATUS_IM_UPDATE,
  STATUS_MEASURING,
  oversamplingFactor,
  typicalMeasurementMs,
} from '../../src/drivers/bme280-registers.js';
import type { I2cDeviceModel } from '../i2c-sim.js';
import { invertCompensation, type Bme280TrueValues } from './bme280-inverse.js';

export { invertCompensation, solveMonotonic } from './bme280-inverse.js';

export type { Bme280TrueValues } from './bme280-inverse.js';

/**
 * A typical calibration image, 33 bytes (0x88..0xA1 then 0xE1..0xE7): dig_T1..3 = 28009, 25654, 50;
 * dig_P1..9 = 39145, -10750, 3024, 5667, -120, -7, 15500, -14600, 6000; dig_H1..6 = 75, 376, 0, 286,
 * 50, 30: the set pimoroni/bme280-python uses in its tests, with values typical of real modules
 * (dig_H3 = 0, small positive dig_H4..H6).
 */
export const BME280_TYPICAL_CALIBRATION: Uint8Array = Uint8Array.of(
  0x69, 0x6d, 0x36, 0x64, 0x32, 0x00, 0xe9, 0x98, 0x02, 0xd6, 0xd0, 0x0b, 0x23, 0x16, 0x88, 0xff, 0xf9, 0xff, 0x8c, 0x3c,
  0xf8, 0xc6, 0x70, 0x17, 0x00, 0x4b, 0x78, 0x01, 0x00, 0x11, 0x2e, 0x03, 0x1e,
);

/**
 * The typical image with negative dig_H5 = -26 and dig_H6 = -7: the top bits of 0xE6 and 0xE7 are
 * set, which is what unsigned-parsing libraries get wrong.
 */
export const BME280_NEGATIVE_HUMIDITY_CALIBRATION: Uint8Array = Uint8Array.of(
  0x69, 0x6d, 0x36, 0x64, 0x32, 0x00, 0xe9, 0x98, 0x02, 0xd6, 0xd0, 0x0b, 0x23, 0x16, 0x88, 0xff, 0xf9, 0xff, 0x8c, 0x3c,
  0xf8, 0xc6, 0x70, 0x17, 0x00, 0x4b, 0x78, 0x01, 0x00, 0x11, 0x6e, 0xfe, 0xf9,
);

/** t_sb[2:0] of config -> standby between normal-mode conversions, ms (§5.4.6, BME280 values). */
const STANDBY_MS = [0.5, 62.5, 125, 250, 500, 1000, 10, 20] as const;
/** Time the NVM copy (status.im_update) takes after a soft reset, ms; within t_startup (2 ms). */
const NVM_COPY_MS = 1;

/**
 * Register-level BME280 model (BST-BME280-DS002 §5): chip id 0xD0, soft reset 0xE0, ctrl_hum 0xF2
 * (latched by the next ctrl_meas write, §5.4.3), status 0xF3, ctrl_meas 0xF4, config 0xF5, data
 * 0xF7..0xFE and the calibration image. A forced-mode write starts a conversion that lasts the
 * typical measurement time (Appendix B) on the `Clock`; status.measuring is set meanwhile; at its
 * end the data registers get raw values computed from `source()` by inverting the compensation
 * (skipped channels read 0x80000 / 0x8000) and the chip returns to sleep. Normal mode repeats
 * conversions every measurement time + t_standby. The IIR filter is not modelled.
 */
export class Bme280Sim implements I2cDeviceModel {
  private readonly regs = new Uint8Array(256);
  private readonly calibration: Bme280Calibration;
  private chipId: number;
  private frozen = false;
  private conversionStart = 0;
  private conversionEnd: number | null = null;
  private nvmCopyUntil = 0;
  private osrsH = 0;
  private lastValues: Bme280TrueValues | null = null;
  private lastRaw: Bme280RawData = { adcP: SKIPPED_20BIT, adcT: SKIPPED_20BIT, adcH: SKIPPED_16BIT };
  /** Conversions completed since construction. */
  conversions = 0;

  constructor(
    private readonly clock: Clock,
    private readonly source: () => Bme280TrueValues,
    options?: { calibration?: Uint8Array; chipId?: number },
  ) {
    const image = options?.calibration ?? BME280_TYPICAL_CALIBRATION;
    if (image.length !== CALIB_00_LENGTH + CALIB_26_LENGTH) throw new RangeError(`calibration image needs ${CALIB_00_LENGTH + CALIB_26_LENGTH} bytes, got ${image.length}`);
    this.regs.set(image.subarray(0, CALIB_00_LENGTH), REG_CALIB_00);
    this.regs.set(image.subarray(CALIB_00_LENGTH), REG_CALIB_26);
    this.calibration = parseCalibration(image.subarray(0, CALIB_00_LENGTH), image.subarray(CALIB_00_LENGTH));
    this.chipId = options?.chipId ?? BME280_CHIP_ID;
    this.resetRegisters();
  }

  /** Changes the chip id register (e.g. 0x58 to play a BMP280 for the "wrong chip id" fault). */
  setChipId(id: number): void {
    this.chipId = id & 0xff;
  }

  /** Stuck-value fault: conversions still run, but the data registers keep their last raw data. */
  freeze(): void {
    this.frozen = true;
  }

  unfreeze(): void {
    this.frozen = false;
  }

  /** Current power mode bits of ctrl_meas (0 sleep, 1/2 forced, 3 normal). */
  mode(): number {
    this.settle();
    return this.regs[REG_CTRL_MEAS] & 0x03;
  }

  readRegister(reg: number): number {
    this.settle();
    if (reg === REG_CHIP_ID) return this.chipId;
    if (reg === REG_RESET) return 0;
    if (reg === REG_STATUS) {
      const now = this.clock.monotonic();
      const measuring = this.conversionEnd !== null && now >= this.conversionStart;
      return (measuring ? STATUS_MEASURING : 0) | (now < this.nvmCopyUntil ? STATUS_IM_UPDATE : 0);
    }
    return this.regs[reg];
  }

  writeRegister(reg: number, value: number): void {
    this.settle();
    if (reg === REG_RESET) {
      if (value === RESET_WORD) this.resetRegisters();
      return;
    }
    if (reg === REG_CTRL_HUM || reg === REG_CONFIG) this.regs[reg] = value;
    if (reg !== REG_CTRL_MEAS) return; // everything else is read-only or reserved
    this.regs[reg] = value;
    this.osrsH = this.regs[REG_CTRL_HUM] & 0x07;
    const mode = value & 0x03;
    if (mode === MODE_SLEEP) this.conversionEnd = null;
    else this.startConversion(this.clock.monotonic());
  }

  private resetRegisters(): void {
    this.regs[REG_CTRL_HUM] = 0;
    this.regs[REG_CTRL_MEAS] = 0;
    this.regs[REG_CONFIG] = 0;
    this.regs.set([0x80, 0, 0, 0x80, 0, 0, 0x80, 0], REG_DATA); // Table 18 reset values
    this.osrsH = 0;
    this.conversionEnd = null;
    this.nvmCopyUntil = this.clock.monotonic() + NVM_COPY_MS;
  }

  private startConversion(at: number): void {
    const meas = this.regs[REG_CTRL_MEAS];
    this.conversionStart = at;
    this.conversionEnd = at + typicalMeasurementMs(oversamplingFactor(meas >> 5), oversamplingFactor(meas >> 2), oversamplingFactor(this.osrsH));
  }

  /** Completes a conversion whose time has come (lazily, on the next register access). */
  private settle(): void {
    if (this.conversionEnd === null) return;
    const now = this.clock.monotonic();
    if (now < this.conversionEnd) return;
    this.latchData();
    const meas = this.regs[REG_CTRL_MEAS];
    if ((meas & 0x03) !== MODE_NORMAL) {
      this.regs[REG_CTRL_MEAS] = meas & ~0x03; // forced mode returns to sleep (§3.3.3)
      this.conversionEnd = null;
      return;
    }
    // Normal mode: the next conversion starts t_standby after this one ended; skip whole missed cycles.
    const standby = STANDBY_MS[this.regs[REG_CONFIG] >> 5];
    const period = this.conversionEnd - this.conversionStart + standby;
    const missed = Math.floor((now - this.conversionEnd) / period);
    this.startConversion(this.conversionEnd + standby + missed * period); // ends after now
  }

  private latchData(): void {
    this.conversions++;
    if (this.frozen) return;
    const values = this.source();
    const last = this.lastValues;
    if (!last || last.temperatureC !== values.temperatureC || last.humidityPct !== values.humidityPct || last.pressurePa !== values.pressurePa) {
      this.lastRaw = invertCompensation(this.calibration, values);
      this.lastValues = { ...values };
    }
    const meas = this.regs[REG_CTRL_MEAS];
    const adcT = meas >> 5 ? this.lastRaw.adcT : SKIPPED_20BIT;
    const adcP = (meas >> 2) & 0x07 ? this.lastRaw.adcP : SKIPPED_20BIT;
    const adcH = this.osrsH ? this.lastRaw.adcH : SKIPPED_16BIT;
    const r = this.regs;
    r[0xf7] = adcP >> 12;
    r[0xf8] = (adcP >> 4) & 0xff;
    r[0xf9] = (adcP & 0x0f) << 4;
    r[0xfa] = adcT >> 12;
    r[0xfb] = (adcT >> 4) & 0xff;
    r[0xfc] = (adcT & 0x0f) << 4;
    r[0xfd] = adcH >> 8;
    r[0xfe] = adcH & 0xff;
  }
}
