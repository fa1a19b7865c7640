import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { errnoOf, OneWireError } from './errors.js';
import type { OneWire } from './onewire.js';

/**
 * A 1-Wire slave directory name: family code (2 hex digits), a dash, the serial number
 * (Linux drivers/w1/w1.c names slaves `%02x-%012llx`, e.g. `28-000005e2fdc3`). Bus masters
 * (`w1_bus_master1`) do not match.
 */
export const W1_SLAVE_ID = /^[0-9a-f]{2}-[0-9a-f]+$/;

/**
 * Longest a bulk conversion may take before {@link SysfsOneWire.bulkConvert} gives up, ms: the
 * DS18B20's 750 ms at 12 bits (datasheet "Thermometer Resolution Configuration"; the kernel's
 * default `conv_time` is the same) plus margin for the kernel's own scheduling.
 */
export const BULK_CONVERSION_LIMIT_MS = 1_500;
/** How often `therm_bulk_read` is polled while a bulk conversion runs, ms. */
export const BULK_POLL_MS = 100;

/** Options of {@link SysfsOneWire}. */
export interface SysfsOneWireOptions {
  /** The w1 devices directory; tests point it at a fake tree. Default `/sys/bus/w1/devices`. */
  root?: string;
  /** Clock for the bulk conversion's polling; without one there is no {@link SysfsOneWire.bulkConvert}. */
  clock?: Clock;
  /** The bus master directory under `root` whose `therm_bulk_read` is used; default `w1_bus_master1`. */
  master?: string;
}

/**
 * The Linux w1 subsystem through sysfs (`dtoverlay=w1-gpio`, default pin GPIO4):
 * `<root>/<id>/w1_slave`. Reading that file makes the kernel run a conversion (about 750 ms for a
 * DS18B20 at 12 bits) and returns its two lines; parsing and the CRC check are the driver's job.
 *
 * With a clock, also the bulk path of the w1_therm driver (Linux ABI `sysfs-driver-w1_therm`):
 * `therm_bulk_read` of the master starts one conversion on every probe at once, and each probe's
 * `temperature` file then returns the value converted then, so N probes cost one conversion time
 * instead of N.
 */
export class SysfsOneWire implements OneWire {
  private readonly root: string;
  /** Starts a conversion on every probe of the master and resolves when it is done; see {@link OneWire.bulkConvert}. */
  readonly bulkConvert?: () => Promise<void>;
  /** A probe's `temperature` file (m°C text); see {@link OneWire.readTemperature}. */
  readonly readTemperature?: (deviceId: string) => Promise<string>;

  /** @param options a root directory (string, as before) or {@link SysfsOneWireOptions} */
  constructor(options: string | SysfsOneWireOptions = {}) {
    const o = typeof options === 'string' ? { root: options } : options;
    this.root = o.root ?? '/sys/bus/w1/devices';
    const clock = o.clock;
    if (clock) {
      const bulkFile = join(this.root, o.master ?? 'w1_bus_master1', 'therm_bulk_read');
      this.bulkConvert = () => this.convertAll(bulkFile, clock);
      this.readTemperature = (deviceId) => this.readFileOf(deviceId, 'temperature');
    }
  }

  async list(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (e) {
      const errno = errnoOf(e);
      const hint = errno === 'ENOENT' ? ' (is dtoverlay=w1-gpio in /boot/firmware/config.txt?)' : '';
      throw new OneWireError(errno, 'bus', `cannot list ${this.root}${hint}`, { cause: e });
    }
    return entries.filter((n) => W1_SLAVE_ID.test(n)).sort();
  }

  readDevice(deviceId: string): Promise<string> {
    return this.readFileOf(deviceId, 'w1_slave');
  }

  /**
   * Writes `trigger` to `therm_bulk_read`, then polls it every {@link BULK_POLL_MS} until it reads
   * `0` (idle) or `1` (converted, not yet read) rather than `-1` (converting).
   * @throws OneWireError with the master's errno (ENOENT: a kernel without bulk read), or
   *   ETIMEDOUT when the conversion is still running after {@link BULK_CONVERSION_LIMIT_MS}
   */
  private async convertAll(file: string, clock: Clock): Promise<void> {
    try {
      await writeFile(file, 'trigger\n');
    } catch (e) {
      throw new OneWireError(errnoOf(e), 'bus', `cannot start a bulk conversion: ${file}`, { cause: e });
    }
    const deadline = clock.monotonic() + BULK_CONVERSION_LIMIT_MS;
    for (;;) {
      await clock.sleep(BULK_POLL_MS);
      let state: string;
      try {
        state = (await readFile(file, 'utf8')).trim();
      } catch (e) {
        throw new OneWireError(errnoOf(e), 'bus', `cannot read ${file}`, { cause: e });
      }
      if (state !== '-1') return;
      if (clock.monotonic() >= deadline) throw new OneWireError('ETIMEDOUT', 'bus', `bulk conversion still running after ${BULK_CONVERSION_LIMIT_MS} ms`);
    }
  }

  private async readFileOf(deviceId: string, name: 'w1_slave' | 'temperature'): Promise<string> {
    if (!W1_SLAVE_ID.test(deviceId)) {
      throw new OneWireError('EINVAL', deviceId, 'not a 1-Wire device id (expected e.g. 28-000005e2fdc3, lower-case hex)');
    }
    const file = join(this.root, deviceId, name);
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const errno = errnoOf(e);
      const why = errno === 'ENOENT' ? 'device absent (unplugged, wiring, or missing 4.7 kΩ pull-up)' : 'read failed';
      throw new OneWireError(errno, deviceId, `${why}: ${file}`, { cause: e });
    }
  }
}
