/**
 * What the Debian `gpiod` command-line tools look like on this machine, and the exact argv for
 * each operation. Pure functions, so the v1/v2 differences are tested without a Pi.
 *
 * Sources: libgpiod `tools/gpioset.c`, `gpioget.c`, `gpiodetect.c` and their man pages
 * (v1.6.3 on Bookworm; v2.2.1 on Trixie, manpages.debian.org/testing/gpiod).
 */

/** Major version of the tools: v1 (`gpioset [opts] <chip> <line>=<v>`) or v2 (`gpioset --chip <chip> <line>=<v>`). */
export type GpiodMajor = 1 | 2;

/** One line of `gpiodetect`: `gpiochip0 [pinctrl-rp1] (54 lines)` (same format in v1 and v2). */
export interface GpioChipInfo {
  name: string;
  label: string;
  lines: number;
}

/** The tools as detected once per provider. */
export interface GpiodTools {
  major: GpiodMajor;
  /** v2 built with `--interactive` (needs libedit; Debian's 2.2.1 build lacks it, so usually false). */
  interactive: boolean;
  chips: GpioChipInfo[];
}

/** The chip and version an operation runs against. */
export interface GpiodTarget {
  major: GpiodMajor;
  /** Chip name from `gpiodetect`, e.g. `gpiochip0` (Pi 5 on kernel 6.6.y before the renumbering: `gpiochip4`). */
  chip: string;
}

/** Consumer name shown by `gpioinfo` for lines we hold (v2 only; v1 always says `gpioset`). */
export const GPIOD_CONSUMER = 'terrarium';

/**
 * Major version from `gpioset --version`. v1 prints `gpioset (libgpiod) v1.6.3`; v2 prints
 * `gpioset (libgpiod) v2.1.2` or, from 2.2, `gpioset v2.2.1 (libgpiod v2.2.1)`: the first `vN.M` wins.
 * @returns 1, 2, or undefined for an unknown or unsupported version
 */
export function parseGpiodMajor(stdout: string): GpiodMajor | undefined {
  const m = /\bv(\d+)\.\d+/.exec(stdout);
  const major = m ? Number(m[1]) : NaN;
  return major === 1 || major === 2 ? major : undefined;
}

/** Whether `gpioset --help` lists `-i, --interactive` (compiled in only with GPIOSET_INTERACTIVE). */
export function hasInteractive(helpText: string): boolean {
  return /(^|\s)--interactive\b/m.test(helpText);
}

/** Parses `gpiodetect` output into chips; lines of any other shape are skipped. */
export function parseGpiodetect(stdout: string): GpioChipInfo[] {
  const chips: GpioChipInfo[] = [];
  for (const row of stdout.split('\n')) {
    const m = /^(\S+)\s+\[(.*)\]\s+\((\d+) lines?\)\s*$/.exec(row.trim());
    if (m) chips.push({ name: m[1], label: m[2], lines: Number(m[3]) });
  }
  return chips;
}

/** First chip whose label is in `labels`, in the order of `labels`. */
export function findChip(chips: readonly GpioChipInfo[], labels: readonly string[]): GpioChipInfo | undefined {
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip) return chip;
  }
  return undefined;
}

const bit = (level: boolean): string => (level ? '1' : '0');

/**
 * `gpioset` argv that drives `line` to `level` and keeps holding it until SIGTERM.
 * v1: `--mode=signal` (the default `exit` mode releases the line at once, after which its state is
 * undefined). v2: holding is the default; `--banner` prints `Setting line '17'...` once the line is
 * requested, which is our acknowledgement.
 */
export function holdArgs(t: GpiodTarget, line: number, level: boolean): string[] {
  if (t.major === 1) return ['--mode=signal', t.chip, `${line}=${bit(level)}`];
  return ['--chip', t.chip, '--consumer', GPIOD_CONSUMER, '--banner', `${line}=${bit(level)}`];
}

/** v2 `gpioset --interactive` argv: holds the line and reads `set 17=1` / `get 17` commands on stdin. */
export function interactiveArgs(chip: string, line: number, level: boolean): string[] {
  return ['--chip', chip, '--consumer', GPIOD_CONSUMER, '--banner', '--unquoted', '--interactive', `${line}=${bit(level)}`];
}

/** Interactive-mode commands (gpioset.c `interact()`): `set <line>=<0|1>` and `get <line>`. */
export const interactiveSet = (line: number, level: boolean): string => `set ${line}=${bit(level)}`;
export const interactiveGet = (line: number): string => `get ${line}`;

/**
 * `gpioget` argv that reads `line` as an input once and prints `0` or `1`.
 * v1: `gpioget [--bias=pull-up|pull-down|disable] <chip> <line>` (bias since v1.5).
 * v2: `gpioget --chip <chip> --numeric [--bias pull-up|pull-down|disabled] <line>`.
 * `pull` undefined leaves the bias as it is.
 */
export function getArgs(t: GpiodTarget, line: number, pull?: 'up' | 'down' | 'none'): string[] {
  if (t.major === 1) {
    const bias = pull === undefined ? [] : [`--bias=${pull === 'none' ? 'disable' : `pull-${pull}`}`];
    return [...bias, t.chip, String(line)];
  }
  const bias = pull === undefined ? [] : ['--bias', pull === 'none' ? 'disabled' : `pull-${pull}`];
  return ['--chip', t.chip, '--consumer', GPIOD_CONSUMER, '--numeric', ...bias, String(line)];
}
