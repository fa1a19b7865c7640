/**
 * BME280 register map and field encodings, per Bosch BST-BME280-DS002 (rev. 1.6):
 * §5.3 memory map (Table 18), §5.4 register descriptions, §4.2.2 calibration storage (Table 16),
 * Appendix B (§9.1) measurement time. Shared by the driver and the register-level simulator.
 */

/** Calibration block 1: dig_T1..dig_P9 at 0x88..0x9F, 0xA0 unused, dig_H1 at 0xA1 (§4.2.2, Table 16). */
export const REG_CALIB_00 = 0x88;
/** Bytes in calibration block 1 (0x88..0xA1). */
export const CALIB_00_LENGTH = 26;
/** Calibration block 2: dig_H2..dig_H6 at 0xE1..0xE7 (§4.2.2, Table 16). */
export const REG_CALIB_26 = 0xe1;
/** Bytes in calibration block 2 (0xE1..0xE7). */
export const CALIB_26_LENGTH = 7;

/** Chip id register, read-only (§5.4.1). */
export const REG_CHIP_ID = 0xd0;
/** The BME280's chip id (§5.4.1). A BMP280 answers 0x56..0x58 and has no humidity. */
export const BME280_CHIP_ID = 0x60;

/** Soft-reset register (§5.4.2); writing {@link RESET_WORD} resets like power-on, other values are ignored. */
export const REG_RESET = 0xe0;
/** The soft-reset command word (§5.4.2). */
export const RESET_WORD = 0xb6;

/** ctrl_hum: osrs_h[2:0] (§5.4.3). Takes effect only after the next write to ctrl_meas. */
export const REG_CTRL_HUM = 0xf2;
/** status: measuring[3], im_update[0] (§5.4.4). */
export const REG_STATUS = 0xf3;
/** status bit 3: set while a conversion runs, cleared when results are in the data registers (§5.4.4). */
export const STATUS_MEASURING = 0x08;
/** status bit 0: set while NVM calibration is copied to the image registers (after reset) (§5.4.4). */
export const STATUS_IM_UPDATE = 0x01;
/** ctrl_meas: osrs_t[7:5], osrs_p[4:2], mode[1:0] (§5.4.5). */
export const REG_CTRL_MEAS = 0xf4;
/** config: t_sb[7:5], filter[4:2], spi3w_en[0] (§5.4.6). Writes in normal mode may be ignored. */
export const REG_CONFIG = 0xf5;

/** Data block start: press_msb 0xF7 .. hum_lsb 0xFE (§5.4.7..§5.4.9); burst-read it so the shadowing keeps it consistent (§4). */
export const REG_DATA = 0xf7;
/** Bytes in the data block (0xF7..0xFE). */
export const DATA_LENGTH = 8;

/** mode[1:0] of ctrl_meas (§3.3, §5.4.5): sleep 00, forced 01 (or 10), normal 11. */
export const MODE_SLEEP = 0b00;
export const MODE_FORCED = 0b01;
export const MODE_NORMAL = 0b11;

/** Value of a 20-bit pressure/temperature result when the channel was skipped, and at reset (§5.4.7, §5.4.8, Table 18). */
export const SKIPPED_20BIT = 0x80000;
/** Value of the 16-bit humidity result when skipped, and at reset (§5.4.9, Table 18). */
export const SKIPPED_16BIT = 0x8000;

/** Oversampling factor per channel; 0 skips the measurement (§3.4, §5.4.3, §5.4.5). */
export type Oversampling = 0 | 1 | 2 | 4 | 8 | 16;
/** IIR filter coefficient; 0 is off (§3.4.4, §5.4.6). */
export type FilterCoefficient = 0 | 2 | 4 | 8 | 16;

/** osrs_x register code for an oversampling factor: 0 -> 000 (skipped), 1 -> 001 .. 16 -> 101 (§5.4.3 osrs_h, §5.4.5 osrs_p/osrs_t). */
export function oversamplingCode(factor: Oversampling): number {
  switch (factor) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return 2;
    case 4:
      return 3;
    case 8:
      return 4;
    case 16:
      return 5;
  }
}

/** Oversampling factor of an osrs_x code (§5.4.3 osrs_h, §5.4.5 osrs_p/osrs_t): 000 -> 0 (skipped), 001..101 -> 1..16, 110/111 -> 16. */
export function oversamplingFactor(code: number): Oversampling {
  const c = code & 0x07;
  return c === 0 ? 0 : (Math.min(16, 1 << (c - 1)) as Oversampling);
}

/** filter[2:0] code of an IIR coefficient (Table 28): off 000, 2 -> 001, 4 -> 010, 8 -> 011, 16 -> 100. */
export function filterCode(coefficient: FilterCoefficient): number {
  switch (coefficient) {
    case 0:
      return 0;
    case 2:
      return 1;
    case 4:
      return 2;
    case 8:
      return 3;
    case 16:
      return 4;
  }
}

/** ctrl_meas value: osrs_t[7:5] | osrs_p[4:2] | mode[1:0] (§5.4.5). */
export function ctrlMeas(temperature: Oversampling, pressure: Oversampling, mode: number): number {
  return (oversamplingCode(temperature) << 5) | (oversamplingCode(pressure) << 2) | (mode & 0x03);
}

/**
 * Maximum duration of one forced-mode measurement, ms (Appendix B, §9.1):
 * `1.25 + 2.3·osrs_t + (2.3·osrs_p + 0.575) + (2.3·osrs_h + 0.575)`, with the oversampling factors
 * (0 for a skipped channel). The 0.575 ms terms are kept even for skipped channels, as Bosch's
 * BME280_SensorAPI does (`bme280_cal_meas_delay`): conservative by at most 1.15 ms.
 * 1x/1x/1x gives 9.3 ms.
 */
export function maxMeasurementMs(t: Oversampling, p: Oversampling, h: Oversampling): number {
  return 1.25 + 2.3 * t + (2.3 * p + 0.575) + (2.3 * h + 0.575);
}

/**
 * Typical duration of one forced-mode measurement, ms (Appendix B, §9.1):
 * `1 + 2·osrs_t + (2·osrs_p + 0.5) + (2·osrs_h + 0.5)`; the 0.5 ms terms only for enabled channels.
 * 1x/1x/1x gives 8 ms. The simulator uses it as its conversion time.
 */
export function typicalMeasurementMs(t: Oversampling, p: Oversampling, h: Oversampling): number {
  return 1 + 2 * t + (p > 0 ? 2 * p + 0.5 : 0) + (h > 0 ? 2 * h + 0.5 : 0);
}

/** Start-up time after power-on or soft reset before the chip answers and calibration is copied, ms (Table 1, t_startup). */
export const STARTUP_MS = 2;
