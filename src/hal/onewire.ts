/**
 * The Linux 1-Wire bus master (w1-gpio) as files: `/sys/bus/w1/devices/<id>/w1_slave`.
 * Rejects with `OneWireError` (ENOENT when the device is absent).
 *
 * Timing (Linux `drivers/w1/slaves/w1_therm.c`, DS18B20 datasheet "Thermometer Resolution
 * Configuration"): reading `w1_slave` makes the kernel run a conversion first (750 ms at 12 bits),
 * and the kernel holds the master's mutex for it, so reads on one master are serialised.
 */
export interface OneWire {
  /** Ids of the devices present, e.g. `28-000005e2fdc3`. */
  list(): Promise<string[]>;
  /** Full text of the device's `w1_slave` file (two lines for a DS18B20). */
  readDevice(deviceId: string): Promise<string>;
  /**
   * Bulk conversion (`therm_bulk_read` of the w1 master, Linux ABI `sysfs-driver-w1_therm`): writes
   * `trigger`, which starts a Convert T on every device of the master at once, and resolves when the
   * conversion time has passed. Absent where the backend has no bulk read (older kernels).
   */
  bulkConvert?(): Promise<void>;
  /**
   * The device's `temperature` file, m°C as text (`"25062\n"`): after {@link bulkConvert} the value
   * converted then, without a new conversion. Absent together with {@link bulkConvert}.
   */
  readTemperature?(deviceId: string): Promise<string>;
}
