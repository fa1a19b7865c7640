import type { CommandResult, CommandRunner, ProcessExit, ProcessHandle, RunOptions } from '../../src/hal/command-runner.js';

/** `gpiodetect` on a Pi 5 with a 6.6.y kernel after the renumbering (RP1 is gpiochip0). */
export const PI5_GPIODETECT = [
  'gpiochip0 [pinctrl-rp1] (54 lines)',
  'gpiochip10 [gpio-brcmstb@107d508500] (32 lines)',
  'gpiochip11 [gpio-brcmstb@107d508520] (4 lines)',
  'gpiochip12 [gpio-brcmstb@107d517c00] (17 lines)',
  'gpiochip13 [gpio-brcmstb@107d517c20] (6 lines)',
  '',
].join('\n');

/** `gpiodetect` on a Pi 4 (Bookworm). */
export const PI4_GPIODETECT = 'gpiochip0 [pinctrl-bcm2711] (58 lines)\ngpiochip1 [raspberrypi-exp-gpio] (8 lines)\n';

export interface FakeGpiodOptions {
  major: 1 | 2;
  /** v2 built with GPIOSET_INTERACTIVE. */
  interactive?: boolean;
  gpiodetect?: string;
  /** false: every command fails to start with ENOENT, as without `apt install gpiod`. */
  installed?: boolean;
  /** Commands (`gpioget`, `gpiodetect`, ...) that never finish unless aborted. */
  hang?: string[];
  /** v2 gpioset never prints its banner. */
  silent?: boolean;
  /** gpioset ignores SIGTERM. */
  ignoreTerm?: boolean;
}

const BUSY = (cmd: string): string => `${cmd}: unable to request lines on chip '/dev/gpiochip0': Device or resource busy\n`;

/** A fake `gpioset` child process. Events are emitted on a microtask, as a real process would. */
export class FakeProc implements ProcessHandle {
  readonly pid = 4242;
  readonly stdin: string[] = [];
  readonly signals: string[] = [];
  exit: ProcessExit | undefined;
  private readonly out: Array<(c: string) => void> = [];
  private readonly err: Array<(c: string) => void> = [];
  private readonly exits: Array<(e: ProcessExit) => void> = [];
  onLine: ((line: string) => void) | undefined;
  onKill: ((signal: string) => void) | undefined;

  constructor(readonly argv: string[]) {}

  write(line: string): void {
    this.stdin.push(line);
    queueMicrotask(() => this.onLine?.(line));
  }
  onStdout(l: (c: string) => void): void {
    this.out.push(l);
  }
  onStderr(l: (c: string) => void): void {
    this.err.push(l);
  }
  onExit(l: (e: ProcessExit) => void): void {
    if (this.exit) l(this.exit);
    else this.exits.push(l);
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.exit) return;
    this.signals.push(signal);
    this.onKill?.(signal);
  }
  emitStdout(text: string): void {
    for (const l of this.out) l(text);
  }
  emitStderr(text: string): void {
    for (const l of this.err) l(text);
  }
  end(exit: ProcessExit): void {
    if (this.exit) return;
    this.exit = exit;
    for (const l of this.exits.splice(0)) l(exit);
  }
}

/**
 * Emulates the Debian gpiod tools v1 and v2 on one chip: `gpioset` holds a line while it runs (a
 * second request gets EBUSY), a released output keeps its level (Raspberry Pi kernel default),
 * `gpioget` reads inputs. Records every argv.
 */
export class FakeGpiod implements CommandRunner {
  readonly calls: string[][] = [];
  readonly procs: FakeProc[] = [];
  readonly holders = new Map<number, FakeProc>();
  readonly levels = new Map<number, boolean>();
  readonly inputs = new Map<number, boolean>();
  aborted = 0;
  /** Next interactive `set` fails the way a kernel error does (stderr, no exit). */
  failNextSet: string | undefined;

  constructor(readonly opts: FakeGpiodOptions) {}

  /** argv of every `gpioset` started, without `--version`/`--help` probes. */
  get spawned(): string[][] {
    return this.procs.map((p) => p.argv);
  }

  run(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<CommandResult> {
    this.calls.push([cmd, ...args]);
    if (this.opts.installed === false) return Promise.reject(Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' }));
    if (this.opts.hang?.includes(cmd)) {
      return new Promise((_resolve, reject) =>
        o.signal?.addEventListener('abort', () => {
          this.aborted++;
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        }),
      );
    }
    const ok = (stdout: string): Promise<CommandResult> => Promise.resolve({ stdout, stderr: '', code: 0, signal: null });
    if (cmd === 'gpioset' && args[0] === '--version') {
      return ok(this.opts.major === 1 ? 'gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\n' : 'gpioset v2.2.1 (libgpiod v2.2.1)\nCopyright (C) 2017-2023 Bartosz Golaszewski\n');
    }
    if (cmd === 'gpioset' && args[0] === '--help') {
      const i = this.opts.interactive ? '  -i, --interactive\tset the lines then wait for additional set commands\n' : '';
      return ok(`Usage: gpioset [OPTIONS] <line=value>...\n  -h, --help\t\tdisplay this help and exit\n${i}  -l, --active-low\ttreat the line as active low\n`);
    }
    if (cmd === 'gpiodetect') return ok(this.opts.gpiodetect ?? PI5_GPIODETECT);
    if (cmd === 'gpioget') {
      const line = Number(args[args.length - 1]);
      if (this.holders.has(line)) return Promise.resolve({ stdout: '', stderr: BUSY('gpioget'), code: 1, signal: null });
      return ok(`${this.inputs.get(line) ? 1 : 0}\n`);
    }
    return Promise.resolve({ stdout: '', stderr: `${cmd}: unknown\n`, code: 1, signal: null });
  }

  spawn(cmd: string, args: readonly string[]): ProcessHandle {
    const p = new FakeProc([cmd, ...args]);
    this.procs.push(p);
    if (this.opts.installed === false) {
      queueMicrotask(() => p.end({ code: null, signal: null, error: Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' }) }));
      return p;
    }
    const [lineText, valueText] = args[args.length - 1].split('=');
    const line = Number(lineText);
    const v2 = this.opts.major === 2;
    const release = (): void => {
      if (this.holders.get(line) === p) this.holders.delete(line);
    };
    p.onKill = (signal) => {
      if (signal === 'SIGTERM' && this.opts.ignoreTerm) return;
      release();
      // v1 --mode=signal catches SIGTERM and exits 0; v2 dies of it.
      queueMicrotask(() => p.end(v2 || signal === 'SIGKILL' ? { code: null, signal } : { code: 0, signal: null }));
    };
    p.onLine = (input) => {
      const [verb, arg] = input.split(' ');
      if (verb === 'set') {
        if (this.failNextSet) {
          p.emitStderr(this.failNextSet);
          this.failNextSet = undefined;
        } else {
          const [l, v] = arg.split('=');
          this.levels.set(Number(l), v === '1');
        }
      } else if (verb === 'get') {
        p.emitStdout(`${arg}=${this.levels.get(Number(arg)) ? 'active' : 'inactive'}\n`);
      }
      p.emitStdout('gpioset> ');
    };
    queueMicrotask(() => {
      if (this.holders.has(line)) {
        p.emitStderr(BUSY('gpioset'));
        p.end({ code: 1, signal: null });
        return;
      }
      this.holders.set(line, p);
      this.levels.set(line, valueText === '1');
      if (v2 && args.includes('--banner') && !this.opts.silent) p.emitStdout(`Setting line '${line}'...\n`);
      if (args.includes('--interactive')) p.emitStdout('gpioset> ');
    });
    return p;
  }

  /** The holder of `line` dies on its own (OOM killer, someone ran `killall gpioset`). */
  crash(line: number): void {
    const p = this.holders.get(line);
    if (!p) throw new Error(`line ${line} not held`);
    this.holders.delete(line);
    p.emitStderr('gpioset: killed\n');
    p.end({ code: 1, signal: null });
  }
}
