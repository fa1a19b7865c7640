/** Physical quantities the sensors measure, with their fixed units. */
export type Quantity = 'temperature' | 'humidity' | 'pressure';

/** Unit per quantity: °C, %RH, Pa. */
export const UNITS = { temperature: '°C', humidity: '%RH', pressure: 'Pa' } as const satisfies Record<Quantity, string>;
export type Unit = (typeof UNITS)[Quantity];

/** One raw measured value as a driver returns it (already compensated, in {@link UNITS}). */
export interface Sample {
  quantity: Quantity;
  value: number;
}

/**
 * A sensor chip protocol over the HAL (BME280 over I2cBus, DS18B20 over OneWire).
 * Drivers do no retrying and keep no health: `devices/` wraps them. They throw typed errors
 * (`I2cError`, `OneWireError`, `DeviceIdentityError`, `SensorDataError`).
 */
export interface SensorDriver {
  /** Human-readable identity for logs: `BME280 i2c-1 0x76`. */
  readonly description: string;
  /** Quantities `read()` returns. */
  readonly quantities: readonly Quantity[];
  /** Startup self-test and configuration (chip id, calibration, mode). Throws with device and reason. */
  init(): Promise<void>;
  /** Takes one measurement. */
  read(): Promise<Sample[]>;
  /**
   * Reads the value of a bulk conversion the bus master just ran for every device on it (DS18B20
   * after `OneWire.bulkConvert()`), without a conversion of its own; absent when the chip has no
   * such path.
   */
  readConverted?(): Promise<Sample[]>;
  /** Soft reset and re-init (recovery ladder step "reset"); absent when the chip has none. */
  reset?(): Promise<void>;
}

/**
 * An on/off output (relay channel) in logical terms: `on` means the load is powered.
 * Active-low inversion happens inside the implementation (`drivers/relay.ts`), nowhere else.
 */
export interface SwitchDriver {
  readonly description: string;
  /** Self-test: open the line, drive it to the safe level, read it back. */
  init(): Promise<void>;
  set(on: boolean): Promise<void>;
  /** Reads the output back where the backend can; `undefined` when it cannot. */
  readBack(): Promise<boolean | undefined>;
  close(): Promise<void>;
}

/** A dimmable output (PCA9685 channel driving a LED dimmer): level 0..1. */
export interface DimmerDriver extends SwitchDriver {
  setLevel(level: number): Promise<void>;
}

/** A feeder mechanism: one call dispenses one portion and returns the mechanism to rest. */
export interface FeederDriver {
  readonly description: string;
  init(): Promise<void>;
  /** Runs one feed cycle (relay pulse or servo open/close); resolves when back at rest. */
  dispense(): Promise<void>;
  /** Drives the mechanism to rest (motor off / hatch closed); must always be safe to call. */
  stop(): Promise<void>;
  close(): Promise<void>;
}
