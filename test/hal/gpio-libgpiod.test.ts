import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { BackendUnavailableError, GpioError } from '../../src/hal/errors.js';
import { DEFAULT_GPIOD_TIMINGS, LibgpiodProvider } from '../../src/hal/gpio-libgpiod.js';
import { FakeGpiod, type FakeGpiodOptions, PI4_GPIODETECT } from './fake-gpiod.js';

const SETTLE = DEFAULT_GPIOD_TIMINGS.settleMs;

function setup(opts: FakeGpiodOptions, chipLabel?: string) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const tools = new FakeGpiod(opts);
  const gpio = new LibgpiodProvider({ runner: tools, clock, chipLabel });
  /** Awaits `p` while letting virtual time pass (v1 holders count as holding after SETTLE ms). */
  const settle = async <T>(p: Promise<T>, ms = SETTLE): Promise<T> => {
    const outcome = p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await clock.advance(ms);
    const r = await outcome;
    if ('error' in r) throw r.error;
    return r.value;
  };
  return { clock, tools, gpio, settle };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('LibgpiodProvider: detection', () => {
  it('detects tools v1 once and finds the header chip in gpiodetect', async () => {
    const { tools, gpio, settle } = setup({ major: 1, gpiodetect: PI4_GPIODETECT });
    await settle(gpio.openOutput(17, false));
    await settle(gpio.openOutput(27, false));
    expect(tools.calls).toEqual([['gpioset', '--version'], ['gpiodetect']]);
  });

  it('asks a v2 gpioset whether it was built with --interactive', async () => {
    const { tools, gpio } = setup({ major: 2 });
    await gpio.openOutput(17, false);
    expect(tools.calls).toEqual([['gpioset', '--version'], ['gpioset', '--help'], ['gpiodetect']]);
  });

  it('uses the chip name gpiodetect gives the label (Pi 5 on early 6.6 kernels: gpiochip4)', async () => {
    const { tools, gpio } = setup({ major: 2, gpiodetect: 'gpiochip0 [gpio-brcmstb@107d508500] (32 lines)\ngpiochip4 [pinctrl-rp1] (54 lines)\n' });
    await gpio.openOutput(17, true);
    expect(tools.spawned).toEqual([['gpioset', '--chip', 'gpiochip4', '--consumer', 'terrarium', '--banner', '17=1']]);
  });

  it('uses the configured chip label', async () => {
    const { tools, gpio } = setup({ major: 2, gpiodetect: `${PI4_GPIODETECT}gpiochip2 [my-expander] (16 lines)\n` }, 'my-expander');
    await gpio.openOutput(3, false);
    expect(tools.spawned[0]).toContain('gpiochip2');
  });

  it('names the chips it found when none is the header controller', async () => {
    const { gpio } = setup({ major: 2, gpiodetect: 'gpiochip1 [raspberrypi-exp-gpio] (8 lines)\n' });
    const e = await rejection(gpio.openOutput(17, false));
    expect(e).toBeInstanceOf(GpioError);
    expect(e).toMatchObject({ errno: 'ENODEV', line: 17 });
    expect(e.message).toContain('found: gpiochip1 [raspberrypi-exp-gpio]');
  });

  it('rejects a line the chip does not have', async () => {
    const { gpio } = setup({ major: 2 });
    await expect(gpio.openOutput(54, false)).rejects.toMatchObject({ errno: 'EINVAL', message: expect.stringContaining('54 lines (0..53)') });
  });

  it('fails with BackendUnavailableError, saying how to install, when the tools are missing', async () => {
    const { gpio } = setup({ major: 2, installed: false });
    const e = await rejection(gpio.openOutput(17, false));
    expect(e).toBeInstanceOf(BackendUnavailableError);
    expect(e.message).toContain('gpioset not found');
    expect(e.message).toContain('sudo apt install gpiod');
  });

  it('retries detection after a failure instead of caching it', async () => {
    const { tools, gpio } = setup({ major: 2, installed: false });
    await expect(gpio.openOutput(17, false)).rejects.toBeInstanceOf(BackendUnavailableError);
    tools.opts.installed = true;
    await gpio.openOutput(17, false);
    expect(tools.holders.has(17)).toBe(true);
  });

  it('times out a detection command that hangs and kills it', async () => {
    const { tools, gpio, clock } = setup({ major: 2, hang: ['gpiodetect'] });
    const open = rejection(gpio.openOutput(17, false));
    await clock.advance(DEFAULT_GPIOD_TIMINGS.answerMs);
    expect(await open).toMatchObject({ errno: 'ETIMEDOUT', message: expect.stringContaining('`gpiodetect` did not finish within 5000 ms') });
    expect(tools.aborted).toBe(1);
  });
});

describe('LibgpiodProvider: outputs with tools v1', () => {
  it('holds the line with gpioset --mode=signal and re-spawns it on a change', async () => {
    const { tools, gpio, settle } = setup({ major: 1, gpiodetect: PI4_GPIODETECT });
    const heater = await settle(gpio.openOutput(17, false));
    expect(tools.spawned).toEqual([['gpioset', '--mode=signal', 'gpiochip0', '17=0']]);
    expect(await heater.read()).toBe(false);
    await settle(heater.write(true));
    expect(tools.spawned[1]).toEqual(['gpioset', '--mode=signal', 'gpiochip0', '17=1']);
    expect(tools.procs[0].signals).toEqual(['SIGTERM']);
    expect(tools.holders.get(17)).toBe(tools.procs[1]);
    expect(tools.levels.get(17)).toBe(true);
    expect(await heater.read()).toBe(true);
  });

  it('does not re-spawn when the level is unchanged', async () => {
    const { tools, gpio, settle } = setup({ major: 1, gpiodetect: PI4_GPIODETECT });
    const out = await settle(gpio.openOutput(22, true));
    await out.write(true);
    expect(tools.procs).toHaveLength(1);
  });

  it('reports a gpioset that exits at once with the command, exit code and stderr', async () => {
    const { tools, gpio, settle, clock } = setup({ major: 1, gpiodetect: PI4_GPIODETECT });
    await settle(gpio.openOutput(17, false));
    const other = new LibgpiodProvider({ runner: tools, clock }); // another controller on the same Pi
    const e = await rejection(settle(other.openOutput(17, true)));
    expect(e).toBeInstanceOf(GpioError);
    expect(e).toMatchObject({ errno: 'EBUSY', line: 17 });
    expect(e.message).toContain('`gpioset --mode=signal gpiochip0 17=1` could not hold the line (exit code 1)');
    expect(e.message).toContain('Device or resource busy');
  });
});

describe('LibgpiodProvider: outputs with tools v2', () => {
  it('holds the line with gpioset --chip and waits for its banner', async () => {
    const { tools, gpio } = setup({ major: 2 });
    const light = await gpio.openOutput(27, true);
    expect(tools.spawned).toEqual([['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '27=1']]);
    expect(await light.read()).toBe(true);
    await light.write(false);
    expect(tools.spawned[1]).toEqual(['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '27=0']);
    expect(tools.procs[0].exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(tools.levels.get(27)).toBe(false);
    expect(await light.read()).toBe(false);
  });

  it('fails with ETIMEDOUT and stops gpioset when the banner never comes', async () => {
    const { tools, gpio, clock } = setup({ major: 2, silent: true });
    const open = rejection(gpio.openOutput(17, false));
    await clock.advance(DEFAULT_GPIOD_TIMINGS.answerMs);
    expect(await open).toMatchObject({ errno: 'ETIMEDOUT', line: 17 });
    expect(tools.procs[0].signals).toEqual(['SIGTERM']);
    expect(tools.holders.has(17)).toBe(false);
  });

  it('makes read() reject when the holder died, and re-spawns on the next write', async () => {
    const { tools, gpio } = setup({ major: 2 });
    const heater = await gpio.openOutput(17, true);
    tools.crash(17);
    const e = await rejection(heater.read());
    expect(e).toBeInstanceOf(GpioError);
    expect(e.message).toContain('stopped holding the line (exit code 1): gpioset: killed');
    await heater.write(false); // turning off goes through even though the old holder is gone
    expect(tools.spawned[1]).toEqual(['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '17=0']);
    expect(await heater.read()).toBe(false);
  });

  it('re-spawns after a crash even when the level is the same', async () => {
    const { tools, gpio } = setup({ major: 2 });
    const heater = await gpio.openOutput(17, false);
    tools.crash(17);
    await heater.write(false);
    expect(tools.procs).toHaveLength(2);
    expect(tools.holders.get(17)).toBe(tools.procs[1]);
  });

  it('releases the line on close, so it can be opened again, and refuses a second open meanwhile', async () => {
    const { tools, gpio } = setup({ major: 2 });
    const out = await gpio.openOutput(23, false);
    await expect(gpio.openOutput(23, false)).rejects.toMatchObject({ errno: 'EBUSY' });
    await out.close();
    expect(tools.holders.has(23)).toBe(false);
    await expect(out.write(true)).rejects.toMatchObject({ errno: 'EINVAL' });
    await gpio.openOutput(23, true);
    expect(tools.levels.get(23)).toBe(true);
  });

  it('reports a gpioset that cannot start (tools removed while running) as GpioError ENOENT', async () => {
    const { tools, gpio } = setup({ major: 2 });
    const out = await gpio.openOutput(17, false);
    tools.opts.installed = false;
    const e = await rejection(out.write(true));
    expect(e).toBeInstanceOf(GpioError);
    expect(e).toMatchObject({ errno: 'ENOENT', line: 17 });
    expect(e.message).toContain('could not start: spawn gpioset ENOENT');
    await expect(out.read()).rejects.toMatchObject({ errno: 'EIO', message: expect.stringContaining('the last write failed') });
  });

  it('sends SIGKILL when gpioset ignores SIGTERM', async () => {
    const { tools, gpio, clock } = setup({ major: 2, ignoreTerm: true });
    const out = await gpio.openOutput(23, false);
    const closing = out.close();
    await clock.advance(DEFAULT_GPIOD_TIMINGS.stopGraceMs);
    await closing;
    expect(tools.procs[0].signals).toEqual(['SIGTERM', 'SIGKILL']);
  });
});

describe('LibgpiodProvider: outputs with an interactive v2 gpioset', () => {
  it('keeps one gpioset and sends set/get commands on its stdin', async () => {
    const { tools, gpio } = setup({ major: 2, interactive: true });
    const mister = await gpio.openOutput(22, false);
    expect(tools.spawned).toEqual([['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '--unquoted', '--interactive', '22=0']]);
    await mister.write(true);
    expect(tools.levels.get(22)).toBe(true);
    expect(await mister.read()).toBe(true);
    await mister.write(false);
    expect(tools.procs).toHaveLength(1);
    expect(tools.procs[0].stdin).toEqual(['set 22=1', 'get 22', 'get 22', 'set 22=0', 'get 22']);
    expect(await mister.read()).toBe(false);
  });

  it('fails a write that gpioset could not apply, and starts afresh on the next one', async () => {
    const { tools, gpio } = setup({ major: 2, interactive: true });
    const out = await gpio.openOutput(22, false);
    tools.failNextSet = "gpioset: unable to set values on 'gpiochip0': Operation not permitted\n";
    const e = await rejection(out.write(true));
    expect(e).toBeInstanceOf(GpioError);
    expect(e).toMatchObject({ errno: 'EPERM', line: 22 });
    expect(e.message).toContain('rejected `set 22=1; get 22`');
    await expect(out.read()).rejects.toBeInstanceOf(GpioError);
    await out.write(true);
    expect(tools.spawned[1]).toEqual(['gpioset', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--banner', '--unquoted', '--interactive', '22=1']);
    expect(await out.read()).toBe(true);
  });
});

describe('LibgpiodProvider: inputs', () => {
  it.each<[1 | 2, 'up' | 'down' | 'none' | undefined, string[]]>([
    [1, 'up', ['gpioget', '--bias=pull-up', 'gpiochip0', '5']],
    [1, 'none', ['gpioget', '--bias=disable', 'gpiochip0', '5']],
    [1, undefined, ['gpioget', 'gpiochip0', '5']],
    [2, 'up', ['gpioget', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--numeric', '--bias', 'pull-up', '5']],
    [2, 'down', ['gpioget', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--numeric', '--bias', 'pull-down', '5']],
    [2, 'none', ['gpioget', '--chip', 'gpiochip0', '--consumer', 'terrarium', '--numeric', '--bias', 'disabled', '5']],
  ])('tools v%i, pull %s: runs %j and reads the level', async (major, pull, argv) => {
    const { tools, gpio } = setup({ major });
    tools.inputs.set(5, true);
    const float = await gpio.openInput(5, pull);
    expect(await float.read()).toBe(true);
    tools.inputs.set(5, false);
    expect(await float.read()).toBe(false);
    expect(tools.calls.filter((c) => c[0] === 'gpioget')).toEqual([argv, argv, argv]);
  });

  it('reports a failed gpioget with the command, exit code and stderr', async () => {
    const { gpio, settle } = setup({ major: 1, gpiodetect: PI4_GPIODETECT });
    await settle(gpio.openOutput(5, false)); // now held: gpioget gets EBUSY
    const e = await rejection(gpio.openInput(5, 'up'));
    expect(e).toMatchObject({ code: 'GPIO_IO', errno: 'EBUSY', line: 5 });
    expect(e.message).toContain('`gpioget --bias=pull-up gpiochip0 5` failed (exit code 1): gpioget: unable to request lines');
  });

  it('times out a gpioget that hangs', async () => {
    const { gpio, clock, tools } = setup({ major: 2 });
    const float = await gpio.openInput(5, 'up');
    tools.opts.hang = ['gpioget'];
    const read = rejection(float.read());
    await clock.advance(DEFAULT_GPIOD_TIMINGS.answerMs);
    expect(await read).toMatchObject({ errno: 'ETIMEDOUT', line: 5 });
  });
});
