/**
 * One Linux I2C bus (`/dev/i2c-N`) as the drivers see it: SMBus-style register reads and writes
 * addressed by 7-bit device address. Implementations serialise transfers per bus.
 * Every method rejects with `I2cError` (from `hal/errors.ts`) on failure.
 */
export interface I2cBus {
  /** Bus number N of `/dev/i2c-N` (1 on a Pi's header). */
  readonly busNumber: number;
  /** Reads one byte from register `register` of device `address`. */
  readByte(address: number, register: number): Promise<number>;
  /** Writes one byte `value` (0..255) to register `register`. */
  writeByte(address: number, register: number, value: number): Promise<void>;
  /** Burst-reads `length` bytes starting at `register` (auto-increment). */
  readBlock(address: number, register: number, length: number): Promise<Uint8Array>;
  /** Burst-writes `data` starting at `register`. */
  writeBlock(address: number, register: number, data: Uint8Array): Promise<void>;
  /**
   * Plain I2C read of `length` bytes with no register byte (Linux `I2C_RDWR`), for register-less
   * chips such as the PCF8574/PCF8575 expanders. Absent on backends without plain transfers.
   */
  receive?(address: number, length: number): Promise<Uint8Array>;
  /** Plain I2C write of `data` with no register byte (Linux `I2C_RDWR`). Absent with {@link receive}. */
  send?(address: number, data: Uint8Array): Promise<void>;
  /** Releases the bus file. Further calls reject. Reopen with the backend to recover. */
  close(): Promise<void>;
}

/** Opens I2C buses: the real `i2c-bus` backend or the simulator, chosen by config. */
export interface I2cProvider {
  open(busNumber: number): Promise<I2cBus>;
}
