import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One `gpiochip<base>` directory of a fake `/sys/class/gpio`. */
export interface FakeChip {
  label: string;
  base: number;
  ngpio: number;
}

/** Builds a fake legacy sysfs GPIO tree in a fresh temp dir and returns its root. */
export function fakeGpioTree(chips: FakeChip[]): string {
  const root = mkdtempSync(join(tmpdir(), 'sysfs-gpio-'));
  writeFileSync(join(root, 'export'), '');
  writeFileSync(join(root, 'unexport'), '');
  for (const c of chips) {
    const dir = join(root, `gpiochip${c.base}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'label'), `${c.label}\n`);
    writeFileSync(join(dir, 'base'), `${c.base}\n`);
    writeFileSync(join(dir, 'ngpio'), `${c.ngpio}\n`);
  }
  return root;
}

/** Kernel 6.6+ on a Pi 4: header controller at base 512, firmware expander after it. */
export const PI4_KERNEL_66: FakeChip[] = [
  { label: 'pinctrl-bcm2711', base: 512, ngpio: 58 },
  { label: 'raspberrypi-exp-gpio', base: 570, ngpio: 8 },
];

/** A Pi 5: four brcmstb chips of the SoC first, the RP1 header controller at base 571. */
export const PI5: FakeChip[] = [
  { label: 'gpio-brcmstb@107d508500', base: 512, ngpio: 32 },
  { label: 'gpio-brcmstb@107d508520', base: 544, ngpio: 4 },
  { label: 'gpio-brcmstb@107d517c00', base: 548, ngpio: 17 },
  { label: 'gpio-brcmstb@107d517c20', base: 565, ngpio: 6 },
  { label: 'pinctrl-rp1', base: 571, ngpio: 54 },
];

/** A Pi 3 on a kernel before 6.6: header controller at base 0. */
export const PI3_LEGACY: FakeChip[] = [
  { label: 'pinctrl-bcm2835', base: 0, ngpio: 54 },
  { label: 'raspberrypi-exp-gpio', base: 504, ngpio: 8 },
];
