import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GpioError } from '../../src/hal/errors.js';
import { sysfsGpioNumber } from '../../src/hal/sysfs-gpio-number.js';
import { type FakeChip, fakeGpioTree, PI3_LEGACY, PI4_KERNEL_66, PI5 } from './fake-sysfs.js';

async function rejection(p: Promise<unknown>): Promise<GpioError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GpioError);
  return e as GpioError;
}

describe('sysfsGpioNumber', () => {
  it.each<[string, FakeChip[], number, number]>([
    ['Pi 4 on kernel 6.6 (base 512)', PI4_KERNEL_66, 17, 529],
    ['Pi 4 on kernel 6.6, GPIO14 (domoticz#6040)', PI4_KERNEL_66, 14, 526],
    ['Pi 5 with the SoC chips listed first (base 571)', PI5, 17, 588],
    ['Pi 5, GPIO0', PI5, 0, 571],
    ['Pi 3 on a legacy kernel (base 0)', PI3_LEGACY, 17, 17],
    ['last line of the controller', PI4_KERNEL_66, 57, 569],
  ])('maps BCM line on a %s', async (_name, chips, line, expected) => {
    expect(await sysfsGpioNumber(line, fakeGpioTree(chips))).toBe(expected);
  });

  it('uses the configured chip label instead of the Raspberry Pi defaults', async () => {
    const root = fakeGpioTree([...PI4_KERNEL_66, { label: 'my-expander', base: 600, ngpio: 16 }]);
    expect(await sysfsGpioNumber(3, root, 'my-expander')).toBe(603);
  });

  it('names the tree and every label it found when no header controller is present', async () => {
    const root = fakeGpioTree([{ label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 }]);
    const e = await rejection(sysfsGpioNumber(17, root));
    expect(e.errno).toBe('ENODEV');
    expect(e.line).toBe(17);
    expect(e.message).toContain(root);
    expect(e.message).toContain('gpiochip570 "raspberrypi-exp-gpio"');
    expect(e.message).toContain('"pinctrl-rp1" or "pinctrl-bcm2711" or "pinctrl-bcm2835"');
  });

  it('rejects a line beyond ngpio of the header controller', async () => {
    const e = await rejection(sysfsGpioNumber(58, fakeGpioTree(PI4_KERNEL_66)));
    expect(e.errno).toBe('EINVAL');
    expect(e.message).toContain('58 lines (0..57)');
  });

  it('rejects a negative or fractional line before touching the tree', async () => {
    expect((await rejection(sysfsGpioNumber(-1, '/nonexistent'))).errno).toBe('EINVAL');
    expect((await rejection(sysfsGpioNumber(1.5, '/nonexistent'))).errno).toBe('EINVAL');
  });

  it('says to use libgpiod when the sysfs tree does not exist (Trixie)', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'no-gpio-')), 'gpio');
    const e = await rejection(sysfsGpioNumber(17, root));
    expect(e.errno).toBe('ENOENT');
    expect(e.message).toContain(`no legacy sysfs GPIO tree at ${root}`);
    expect(e.message).toContain('"libgpiod"');
  });

  it('reports an unreadable base instead of guessing', async () => {
    const root = fakeGpioTree([{ label: 'pinctrl-bcm2711', base: 512, ngpio: 58 }]);
    writeFileSync(join(root, 'gpiochip512', 'base'), 'garbage\n');
    const e = await rejection(sysfsGpioNumber(17, root));
    expect(e.errno).toBe('EINVAL');
    expect(e.message).toContain('"garbage"');
  });
});
