import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf, GpioError } from './errors.js';

/**
 * Labels of the GPIO controller that drives the 40-pin header, newest board first:
 * Pi 5 = `pinctrl-rp1`, Pi 4/400/CM4 = `pinctrl-bcm2711`, Pi 3 and older/Zero = `pinctrl-bcm2835`.
 * The same labels appear in `gpiodetect` output and under `/sys/class/gpio/gpiochip<base>/label`.
 */
export const HEADER_CHIP_LABELS: readonly string[] = ['pinctrl-rp1', 'pinctrl-bcm2711', 'pinctrl-bcm2835'];

/** One `gpiochip<base>` directory of the legacy sysfs tree. */
interface SysfsChip {
  dir: string;
  label: string;
  base: number;
  ngpio: number;
}

async function readText(file: string): Promise<string> {
  return (await readFile(file, 'utf8')).trim();
}

async function readInt(file: string, line: number): Promise<number> {
  const text = await readText(file);
  const n = Number(text);
  if (text === '' || !Number.isInteger(n) || n < 0) throw new GpioError('EINVAL', line, `${file} holds "${text}", not a GPIO number`);
  return n;
}

async function readChips(root: string, line: number): Promise<SysfsChip[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (e) {
    throw new GpioError(
      errnoOf(e),
      line,
      `no legacy sysfs GPIO tree at ${root} (kernel built without CONFIG_GPIO_SYSFS, e.g. Raspberry Pi OS Trixie); use hardware.gpio.driver "libgpiod"`,
      { cause: e },
    );
  }
  const chips: SysfsChip[] = [];
  for (const dir of entries.filter((n) => n.startsWith('gpiochip')).sort()) {
    const at = join(root, dir);
    try {
      chips.push({ dir, label: await readText(join(at, 'label')), base: await readInt(join(at, 'base'), line), ngpio: await readInt(join(at, 'ngpio'), line) });
    } catch (e) {
      if (e instanceof GpioError) throw e;
      throw new GpioError(errnoOf(e), line, `cannot read ${at}/{label,base,ngpio}`, { cause: e });
    }
  }
  return chips;
}

/**
 * Maps a BCM line number (the `GPIO17` of pinout diagrams) to the legacy sysfs number that
 * `/sys/class/gpio/export` and `onoff` expect: `base + line` of the header controller.
 *
 * Since kernel 6.6 the bases are allocated dynamically from 512 (Pi 4: GPIO17 = 529, Pi 5 with the
 * RP1 at base 571: GPIO17 = 588); older kernels use base 0. So the controller is found by its
 * `label` (see {@link HEADER_CHIP_LABELS}, or `chipLabel` from config), never by a constant
 * (onoff issue #199, PR #204; Linux Documentation/admin-guide/gpio/sysfs.rst).
 *
 * @param bcmLine line offset on the header controller, 0..ngpio-1
 * @param root the sysfs GPIO class directory (tests point it at a fake tree)
 * @param chipLabel the controller's label when it is not one of the Raspberry Pi defaults
 * @throws GpioError naming the tree and the labels found (ENODEV: no such controller; EINVAL: line out of range)
 */
export async function sysfsGpioNumber(bcmLine: number, root = '/sys/class/gpio', chipLabel?: string): Promise<number> {
  if (!Number.isInteger(bcmLine) || bcmLine < 0) throw new GpioError('EINVAL', bcmLine, `line must be a non-negative integer`);
  const chips = await readChips(root, bcmLine);
  const wanted = chipLabel ? [chipLabel] : HEADER_CHIP_LABELS;
  let chip: SysfsChip | undefined;
  for (const label of wanted) {
    chip = chips.find((c) => c.label === label);
    if (chip) break;
  }
  if (!chip) {
    const found = chips.map((c) => `${c.dir} "${c.label}"`).join(', ') || 'no gpiochip* entries';
    throw new GpioError('ENODEV', bcmLine, `no GPIO controller labelled ${wanted.map((l) => `"${l}"`).join(' or ')} in ${root}; found: ${found}`);
  }
  if (bcmLine >= chip.ngpio) {
    throw new GpioError('EINVAL', bcmLine, `line out of range: ${root}/${chip.dir} "${chip.label}" has ${chip.ngpio} lines (0..${chip.ngpio - 1})`);
  }
  return chip.base + bcmLine;
}
