import type { Clock } from './clock.js';
import type { CommandResult, CommandRunner } from './command-runner.js';
import { BackendUnavailableError, GpioError } from './errors.js';
import type { DigitalInput, DigitalOutput, GpioProvider } from './gpio.js';
import { type GpiodOutputDeps, type GpiodTimings, RespawnOutput } from './gpiod/held-output.js';
import { GpiodInput, runTool } from './gpiod/input.js';
import { InteractiveOutput } from './gpiod/interactive-output.js';
import { commandLine } from './gpiod/tool-process.js';
import { findChip, type GpiodTarget, type GpiodTools, hasInteractive, parseGpiodetect, parseGpiodMajor } from './gpiod/tools.js';
import { HEADER_CHIP_LABELS } from './sysfs-gpio-number.js';

/** Options of {@link LibgpiodProvider}. */
export interface LibgpiodOptions {
  /** Runs the gpiod tools; `NodeCommandRunner` in production, a fake in tests. */
  runner: CommandRunner;
  /** Times every tool interaction. */
  clock: Clock;
  /** Label of the header controller when it is not a Raspberry Pi default (`pinctrl-rp1`, ...). */
  chipLabel?: string;
  /** Overrides of {@link DEFAULT_GPIOD_TIMINGS}. */
  timings?: Partial<GpiodTimings>;
}

/**
 * Default timings, ms: a tool gets 5 s to answer (a loaded Pi Zero starts processes slowly);
 * v1 `gpioset` counts as holding after 250 ms alive; SIGKILL 2 s after SIGTERM.
 */
export const DEFAULT_GPIOD_TIMINGS: GpiodTimings = { answerMs: 5000, settleMs: 250, stopGraceMs: 2000 };

const INSTALL_HINT = 'install them with `sudo apt install gpiod`, or set hardware.gpio.driver to "sysfs"';

/**
 * GPIO through the Debian `gpiod` command-line tools (libgpiod), for the Pi 5 and Raspberry Pi OS
 * Trixie where the legacy sysfs tree is gone. Works with tools v1 (Bookworm, 1.6.x) and v2 (Trixie,
 * 2.2.x), detected once from `gpioset --version`; the header chip is found by label in `gpiodetect`.
 *
 * Outputs are held by a running `gpioset` (a line requested over the character device is
 * released when its process exits): `InteractiveOutput` when v2 was built with `--interactive`,
 * otherwise `RespawnOutput` (v1 `--mode=signal`, v2 default mode), one process per level.
 * Inputs run `gpioget` per read. Failures are `GpioError`s naming the command, exit code and stderr;
 * missing tools are a `BackendUnavailableError`.
 *
 * Safety: the holders are children of the controller. If the controller dies, a plain holder
 * lingers (an interactive one dies of SIGPIPE) until systemd stops the unit's control group, which
 * releases the lines; a released line's state is up to the kernel (see `RespawnOutput`). So the
 * unit's `ExecStopPost=` must drive outputs safe, and heat needs a hardware thermostat cut-off.
 * A holder left over from a controller run outside systemd makes `openOutput` fail with EBUSY.
 */
export class LibgpiodProvider implements GpioProvider {
  private toolsPromise: Promise<GpiodTools> | undefined;
  private readonly openLines = new Set<number>();

  constructor(private readonly opts: LibgpiodOptions) {}

  /** Starts a gpioset holding `line` at `initialLevel`; resolves once it holds it. One open per line. */
  async openOutput(line: number, initialLevel: boolean): Promise<DigitalOutput> {
    const { tools, target } = await this.prepare(line);
    if (this.openLines.has(line)) throw new GpioError('EBUSY', line, 'already open in this process');
    this.openLines.add(line);
    const deps: GpiodOutputDeps = {
      runner: this.opts.runner,
      clock: this.opts.clock,
      target,
      timings: this.timings(),
      onClose: () => this.openLines.delete(line),
    };
    const output = tools.major === 2 && tools.interactive ? new InteractiveOutput(line, deps) : new RespawnOutput(line, deps);
    try {
      await output.start(initialLevel);
    } catch (e) {
      this.openLines.delete(line);
      throw e;
    }
    return output;
  }

  /** Checks that `line` can be read with `pull` (one gpioget now), then reads it per `read()`. */
  async openInput(line: number, pull?: 'up' | 'down' | 'none'): Promise<DigitalInput> {
    const { target } = await this.prepare(line);
    const input = new GpiodInput(line, this.opts.runner, this.opts.clock, target, pull, this.timings().answerMs);
    await input.read(); // fail at open, not on the first tick, when the line cannot be requested
    return input;
  }

  /** Detects the tools (once) and picks the header chip for `line`. */
  private async prepare(line: number): Promise<{ tools: GpiodTools; target: GpiodTarget }> {
    if (!Number.isInteger(line) || line < 0) throw new GpioError('EINVAL', line, 'line must be a non-negative integer');
    this.toolsPromise ??= this.detect(line).catch((e: unknown) => {
      this.toolsPromise = undefined;
      throw e;
    });
    const tools = await this.toolsPromise;
    const labels = this.opts.chipLabel ? [this.opts.chipLabel] : HEADER_CHIP_LABELS;
    const chip = findChip(tools.chips, labels);
    if (!chip) {
      const found = tools.chips.map((c) => `${c.name} [${c.label}]`).join(', ') || 'none';
      throw new GpioError('ENODEV', line, `gpiodetect lists no chip labelled ${labels.map((l) => `"${l}"`).join(' or ')}; found: ${found}`);
    }
    if (line >= chip.lines) throw new GpioError('EINVAL', line, `line out of range: ${chip.name} [${chip.label}] has ${chip.lines} lines (0..${chip.lines - 1})`);
    return { tools, target: { major: tools.major, chip: chip.name } };
  }

  private async detect(line: number): Promise<GpiodTools> {
    const version = await this.run(line, 'gpioset', ['--version']);
    const major = parseGpiodMajor(version.stdout);
    if (version.code !== 0 || major === undefined) {
      throw new BackendUnavailableError(
        `\`gpioset --version\` (exit code ${String(version.code)}) printed "${version.stdout.trim()}${version.stderr.trim()}": not libgpiod tools v1 or v2`,
      );
    }
    const interactive = major === 2 && hasInteractive((await this.run(line, 'gpioset', ['--help'])).stdout);
    const detect = await this.run(line, 'gpiodetect', []);
    const chips = parseGpiodetect(detect.stdout);
    if (chips.length === 0) {
      throw new GpioError('ENODEV', line, `\`gpiodetect\` listed no GPIO chips (exit code ${String(detect.code)})${detect.stderr.trim() ? `: ${detect.stderr.trim()}` : ''}`);
    }
    return { major, interactive, chips };
  }

  /** Runs a detection command; a missing tool is a BackendUnavailableError. */
  private async run(line: number, cmd: string, args: string[]): Promise<CommandResult> {
    try {
      return await runTool(this.opts.runner, this.opts.clock, line, cmd, args, this.timings().answerMs);
    } catch (e) {
      if (e instanceof GpioError) throw e;
      const code = (e as { code?: unknown } | null)?.code;
      const why = code === 'ENOENT' ? `${cmd} not found` : `cannot run \`${commandLine(cmd, args)}\``;
      throw new BackendUnavailableError(`GPIO backend "libgpiod" needs the gpiod tools: ${why}; ${INSTALL_HINT}`, { cause: e });
    }
  }

  private timings(): GpiodTimings {
    return { ...DEFAULT_GPIOD_TIMINGS, ...this.opts.timings };
  }
}
