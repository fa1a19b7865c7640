import { describe, expect, it } from 'vitest';
import { errnoFromStderr } from '../../src/hal/gpiod/tool-process.js';
import { findChip, getArgs, hasInteractive, holdArgs, interactiveArgs, parseGpiodetect, parseGpiodMajor } from '../../src/hal/gpiod/tools.js';
import { HEADER_CHIP_LABELS } from '../../src/hal/sysfs-gpio-number.js';
import { PI5_GPIODETECT } from './fake-gpiod.js';

describe('parseGpiodMajor', () => {
  it.each<[string, 1 | 2 | undefined]>([
    ['gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n', 1],
    ['gpioset (libgpiod) v1.4.1\n', 1],
    ['gpioset (libgpiod) v2.1.2\nCopyright (C) 2017-2023 Bartosz Golaszewski\n', 2],
    ['gpioset v2.2.1 (libgpiod v2.2.1)\n', 2],
    ['gpioset v3.0 (libgpiod v3.0)\n', undefined],
    ['gpioset: command not found', undefined],
    ['', undefined],
  ])('reads %j as v%s', (text, major) => {
    expect(parseGpiodMajor(text)).toBe(major);
  });
});

describe('hasInteractive', () => {
  it('finds -i, --interactive in v2 help and not in a build without it', () => {
    expect(hasInteractive('  -h, --help\t\tdisplay this help and exit\n  -i, --interactive\tset the lines then wait\n')).toBe(true);
    expect(hasInteractive('  -h, --help\t\tdisplay this help and exit\n  -l, --active-low\ttreat the line as active low\n')).toBe(false);
  });
});

describe('parseGpiodetect', () => {
  it('parses every chip of a Pi 5 and picks the RP1 as header controller', () => {
    const chips = parseGpiodetect(PI5_GPIODETECT);
    expect(chips).toEqual([
      { name: 'gpiochip0', label: 'pinctrl-rp1', lines: 54 },
      { name: 'gpiochip10', label: 'gpio-brcmstb@107d508500', lines: 32 },
      { name: 'gpiochip11', label: 'gpio-brcmstb@107d508520', lines: 4 },
      { name: 'gpiochip12', label: 'gpio-brcmstb@107d517c00', lines: 17 },
      { name: 'gpiochip13', label: 'gpio-brcmstb@107d517c20', lines: 6 },
    ]);
    expect(findChip(chips, HEADER_CHIP_LABELS)?.name).toBe('gpiochip0');
  });

  it('skips lines of another shape (error messages mixed into stdout)', () => {
    expect(parseGpiodetect('gpiodetect: unable to open chip\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n')).toEqual([{ name: 'gpiochip1', label: 'raspberrypi-exp-gpio', lines: 8 }]);
  });
});

describe('gpiod argv', () => {
  it.each<[string, string[], string[]]>([
    ['v1 hold high', holdArgs({ major: 1, chip: 'gpiochip0' }, 17, true), ['--mode=signal', 'gpiochip0', '17=1']],
    ['v2 hold low', holdArgs({ major: 2, chip: 'gpiochip4' }, 17, false), ['--chip', 'gpiochip4', '--consumer', 'terrarium', '--banner', '17=0']],
    ['v2 interactive', interactiveArgs('gpiochip0', 22, true), ['--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '--unquoted', '--interactive', '22=1']],
    ['v1 get, bias as-is', getArgs({ major: 1, chip: 'gpiochip0' }, 5), ['gpiochip0', '5']],
    ['v1 get, pull-down', getArgs({ major: 1, chip: 'gpiochip0' }, 5, 'down'), ['--bias=pull-down', 'gpiochip0', '5']],
    ['v2 get, bias as-is', getArgs({ major: 2, chip: 'gpiochip0' }, 5), ['--chip', 'gpiochip0', '--consumer', 'terrarium', '--numeric', '5']],
  ])('%s', (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });
});

describe('errnoFromStderr', () => {
  it.each([
    ["gpioset: unable to request lines on chip '/dev/gpiochip0': Device or resource busy", 'EBUSY'],
    ["gpiodetect: unable to open chip '/dev/gpiochip0': Permission denied", 'EACCES'],
    ["gpioset: cannot find GPIO chip character device 'gpiochip9': No such file or directory", 'ENOENT'],
    ["gpioset: unable to request lines on chip '/dev/gpiochip0': Invalid argument", 'EINVAL'],
    ['gpioset: something odd', 'EIO'],
  ])('%s -> %s', (stderr, errno) => {
    expect(errnoFromStderr(stderr)).toBe(errno);
  });
});
