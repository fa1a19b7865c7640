import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OneWireError } from '../../src/hal/errors.js';
import { BULK_POLL_MS, SysfsOneWire } from '../../src/hal/onewire-sysfs.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

/** DS18B20 w1_slave text for +21.562 °C (raw 0x0159), as the w1_therm driver prints it. */
const W1_SLAVE = '59 01 4b 46 7f ff 0c 10 3c : crc=3c YES\n59 01 4b 46 7f ff 0c 10 3c t=21562\n';

function fakeW1Tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'w1-'));
  for (const id of ['28-000005e2fdc3', '28-3c01d607a1b2']) {
    mkdirSync(join(root, id));
    writeFileSync(join(root, id, 'w1_slave'), W1_SLAVE);
  }
  mkdirSync(join(root, 'w1_bus_master1'));
  mkdirSync(join(root, '10-0008020e5d91')); // a DS18S20: listed, family is the driver's concern
  return root;
}

describe('SysfsOneWire', () => {
  it('lists slave ids and skips the bus master', async () => {
    expect(await new SysfsOneWire(fakeW1Tree()).list()).toEqual(['10-0008020e5d91', '28-000005e2fdc3', '28-3c01d607a1b2']);
  });

  it('returns the full w1_slave text of a device', async () => {
    expect(await new SysfsOneWire(fakeW1Tree()).readDevice('28-000005e2fdc3')).toBe(W1_SLAVE);
  });

  it('reports an unplugged probe as OneWireError ENOENT naming the device', async () => {
    const e = await new SysfsOneWire(fakeW1Tree()).readDevice('28-0000deadbeef').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OneWireError);
    expect(e).toMatchObject({ code: 'ONEWIRE_IO', errno: 'ENOENT', deviceId: '28-0000deadbeef' });
    expect((e as Error).message).toContain('device absent');
  });

  it.each(['../../etc/passwd', '28-ABC', 'w1_bus_master1', ''])('refuses the id %j without touching the file system', async (id) => {
    await expect(new SysfsOneWire('/nonexistent').readDevice(id)).rejects.toMatchObject({ code: 'ONEWIRE_IO', errno: 'EINVAL' });
  });

  it('suggests the w1-gpio overlay when the devices directory is missing', async () => {
    const e = await new SysfsOneWire(join(mkdtempSync(join(tmpdir(), 'no-w1-')), 'devices')).list().catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'ONEWIRE_IO', errno: 'ENOENT' });
    expect((e as Error).message).toContain('dtoverlay=w1-gpio');
  });
});

describe('SysfsOneWire bulk conversion (therm_bulk_read)', () => {
  function bulkTree(): string {
    const root = fakeW1Tree();
    writeFileSync(join(root, 'w1_bus_master1', 'therm_bulk_read'), '0\n');
    writeFileSync(join(root, '28-000005e2fdc3', 'temperature'), '21562\n');
    return root;
  }

  it('has no bulk path without a clock to poll with', () => {
    const w1 = new SysfsOneWire(fakeW1Tree());
    expect(w1.bulkConvert).toBeUndefined();
    expect(w1.readTemperature).toBeUndefined();
  });

  it('writes trigger to the master, waits until it no longer reads -1, then reads a probe\'s temperature file', async () => {
    const root = bulkTree();
    const clock = new VirtualClock(0);
    const w1 = new SysfsOneWire({ root, clock });
    const bulkFile = join(root, 'w1_bus_master1', 'therm_bulk_read');
    const done = (w1.bulkConvert as () => Promise<void>)();
    let settled = false;
    void done.then(() => (settled = true));
    await vi.waitFor(() => expect(readFileSync(bulkFile, 'utf8')).toBe('trigger\n'));
    writeFileSync(bulkFile, '-1\n'); // the kernel: converting
    await clock.advance(BULK_POLL_MS);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    writeFileSync(bulkFile, '1\n'); // converted, not read yet
    for (let i = 0; i < 20 && !settled; i++) {
      await clock.advance(BULK_POLL_MS);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(settled).toBe(true);
    expect(await (w1.readTemperature as (id: string) => Promise<string>)('28-000005e2fdc3')).toBe('21562\n');
  });

  it('reports a kernel without bulk read as OneWireError ENOENT', async () => {
    const root = fakeW1Tree();
    const w1 = new SysfsOneWire({ root, clock: new VirtualClock(0), master: 'w1_bus_master9' });
    await expect((w1.bulkConvert as () => Promise<void>)()).rejects.toMatchObject({ code: 'ONEWIRE_IO', errno: 'ENOENT' });
  });
});
