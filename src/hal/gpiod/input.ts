import { type Clock, withTimeout } from '../clock.js';
import type { CommandResult, CommandRunner } from '../command-runner.js';
import { GpioError } from '../errors.js';
import type { DigitalInput } from '../gpio.js';
import { commandLine, toolError } from './tool-process.js';
import { type GpiodTarget, getArgs } from './tools.js';

/**
 * Runs one gpiod tool to completion with a timeout on `clock` (the child is killed on timeout).
 * @throws GpioError ETIMEDOUT, or the runner's start error (code ENOENT when the tool is missing)
 */
export async function runTool(runner: CommandRunner, clock: Clock, line: number, cmd: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  const abort = new AbortController();
  return withTimeout(clock, runner.run(cmd, args, { signal: abort.signal }), timeoutMs, () => {
    abort.abort();
    return new GpioError('ETIMEDOUT', line, `\`${commandLine(cmd, args)}\` did not finish within ${timeoutMs} ms`);
  });
}

/**
 * A GPIO input read with one `gpioget` run per `read()` (v1: `gpioget <chip> <line>`,
 * v2: `gpioget --chip <chip> --numeric <line>`): the line is requested as an input with the
 * configured bias, read, and released. Fine for float switches polled once per tick.
 */
export class GpiodInput implements DigitalInput {
  private closed = false;

  constructor(
    readonly line: number,
    private readonly runner: CommandRunner,
    private readonly clock: Clock,
    private readonly target: GpiodTarget,
    private readonly pull: 'up' | 'down' | 'none' | undefined,
    private readonly timeoutMs: number,
  ) {}

  async read(): Promise<boolean> {
    if (this.closed) throw new GpioError('EINVAL', this.line, 'line is closed');
    const args = getArgs(this.target, this.line, this.pull);
    let result: CommandResult;
    try {
      result = await runTool(this.runner, this.clock, this.line, 'gpioget', args, this.timeoutMs);
    } catch (e) {
      if (e instanceof GpioError) throw e;
      throw toolError(this.line, 'gpioget', args, { code: null, signal: null, stderr: '', error: e instanceof Error ? e : new Error(String(e)) });
    }
    if (result.code !== 0) throw toolError(this.line, 'gpioget', args, result);
    const value = result.stdout.trim();
    if (value !== '0' && value !== '1') {
      throw new GpioError('EIO', this.line, `\`${commandLine('gpioget', args)}\` printed "${value}", expected 0 or 1`);
    }
    return value === '1';
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
