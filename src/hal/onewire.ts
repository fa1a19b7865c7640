/**
 * The Linux 1-Wire bus master (w1-gpio) as files: `/sys/bus/w1/devices/<id>/w1_slave`.
 * Rejects with `OneWireError` (ENOENT when the device is absent).
 */
export interface OneWire {
  /** Ids of the devices present, e.g. `28-000005e2fdc3`. */
  list(): Promise<string[]>;
  /** Full text of the device's `w1_slave` file (two lines for a DS18B20). */
  readDevice(deviceId: string): Promise<string>;
}
