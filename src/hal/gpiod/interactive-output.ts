import { GpioError } from '../errors.js';
import type { DigitalOutput } from '../gpio.js';
import { type GpiodOutputDeps, startHolder } from './held-output.js';
import { errnoFromStderr } from './tool-process.js';
import type { ToolProcess } from './tool-process.js';
import { interactiveArgs, interactiveGet, interactiveSet } from './tools.js';

/** gpioset prints this prompt before each command when stdout is not a terminal (gpioset.c `interact()`). */
const PROMPT = /gpioset>\s*/g;

/**
 * A GPIO output held by one long-lived `gpioset --interactive` (libgpiod v2 built with
 * GPIOSET_INTERACTIVE): the line stays requested across level changes, so there is no release gap.
 * A write sends `set 17=1` then `get 17` and waits for `17=active`; `read()` sends `get 17`.
 * `get` reports the value gpioset last applied to the request (its own record, not an electrical
 * read of the pin), which confirms the command went through. Any other text or stderr output in
 * between (`invalid line value`, `unable to set values`) fails the write with a GpioError.
 * If gpioset dies, or a write is not confirmed (it is then stopped), `read()` rejects and the next
 * `write` starts a new gpioset at the requested level.
 */
export class InteractiveOutput implements DigitalOutput {
  private proc: ToolProcess | undefined;
  private closed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly line: number,
    private readonly deps: GpiodOutputDeps,
  ) {}

  /** Starts gpioset holding the line at `initialLevel`; resolves after its banner. */
  start(initialLevel: boolean): Promise<void> {
    return this.serialise(() => this.spawn(initialLevel));
  }

  write(level: boolean): Promise<void> {
    return this.serialise(async () => {
      this.assertOpen();
      if (!this.proc?.alive) {
        await this.proc?.stop(this.deps.timings.stopGraceMs);
        this.proc = undefined;
        return this.spawn(level);
      }
      const proc = this.proc;
      try {
        const applied = await this.command(proc, interactiveSet(this.line, level));
        if (applied !== level) throw new GpioError('EIO', this.line, `gpioset reports ${applied ? 1 : 0} after \`${interactiveSet(this.line, level)}\``);
      } catch (e) {
        // State unknown: stop this gpioset so read() rejects and the next write starts afresh.
        await proc.stop(this.deps.timings.stopGraceMs);
        throw e;
      }
    });
  }

  read(): Promise<boolean> {
    return this.serialise(async () => {
      this.assertOpen();
      if (!this.proc) throw new GpioError('EIO', this.line, 'line is not driven: the last write failed');
      if (!this.proc.alive) throw this.proc.exitError('stopped holding the line');
      return this.command(this.proc);
    });
  }

  close(): Promise<void> {
    return this.serialise(async () => {
      if (this.closed) return;
      this.closed = true;
      try {
        await this.proc?.stop(this.deps.timings.stopGraceMs);
      } finally {
        this.proc = undefined;
        this.deps.onClose();
      }
    });
  }

  private async spawn(level: boolean): Promise<void> {
    const { target } = this.deps;
    this.proc = await startHolder(this.deps, this.line, interactiveArgs(target.chip, this.line, level), /Setting line/);
  }

  /** Sends `before` (if any) then `get <line>`; resolves with the reported level. */
  private async command(proc: ToolProcess, before?: string): Promise<boolean> {
    const out = proc.stdout.length;
    const err = proc.stderr.length;
    if (before) proc.write(before);
    proc.write(interactiveGet(this.line));
    const m = await proc.waitFor(new RegExp(`(?:^|[\\s>])${this.line}=(active|inactive)\\b`), out, this.deps.timings.answerMs);
    const noise = proc.stdout.slice(out, m.index).replace(PROMPT, '').trim();
    const stderr = proc.stderr.slice(err).trim();
    if (noise || stderr) {
      const sent = [before, interactiveGet(this.line)].filter(Boolean).join('; ');
      throw new GpioError(stderr ? errnoFromStderr(stderr) : 'EINVAL', this.line, `gpioset --interactive rejected \`${sent}\`: ${[noise, stderr].filter(Boolean).join(' / ')}`);
    }
    return m[1] === 'active';
  }

  private assertOpen(): void {
    if (this.closed) throw new GpioError('EINVAL', this.line, 'line is closed');
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
