import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, OneWireError } from './errors.js';
import type { OneWire } from './onewire.js';

/**
 * A 1-Wire slave directory name: family code (2 hex digits), a dash, the serial number
 * (Linux drivers/w1/w1.c names slaves `%02x-%012llx`, e.g. `28-000005e2fdc3`). Bus masters
 * (`w1_bus_master1`) do not match.
 */
export const W1_SLAVE_ID = /^[0-9a-f]{2}-[0-9a-f]+$/;

/**
 * The Linux w1 subsystem through sysfs (`dtoverlay=w1-gpio`, default pin GPIO4):
 * `<root>/<id>/w1_slave`. Reading that file makes the kernel run a conversion (about 750 ms for a
 * DS18B20 at 12 bits) and returns its two lines; parsing and the CRC check are the driver's job.
 */
export class SysfsOneWire implements OneWire {
  /** @param root the w1 devices directory; tests point it at a fake tree */
  constructor(private readonly root = '/sys/bus/w1/devices') {}

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

  async readDevice(deviceId: string): Promise<string> {
    if (!W1_SLAVE_ID.test(deviceId)) {
      throw new OneWireError('EINVAL', deviceId, 'not a 1-Wire device id (expected e.g. 28-000005e2fdc3, lower-case hex)');
    }
    const file = join(this.root, deviceId, 'w1_slave');
    try {
      return await readFile(file, 'utf8');
    } catch (e) {
      const errno = errnoOf(e);
      const why = errno === 'ENOENT' ? 'device absent (unplugged, wiring, or missing 4.7 kΩ pull-up)' : 'read failed';
      throw new OneWireError(errno, deviceId, `${why}: ${file}`, { cause: e });
    }
  }
}
