import { spawn as spawnChild, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** How a finished command ended. */
export interface CommandResult {
  /** Everything the command wrote to stdout, UTF-8. */
  stdout: string;
  /** Everything the command wrote to stderr, UTF-8. */
  stderr: string;
  /** Exit code, or `null` when the process was ended by a signal. */
  code: number | null;
  /** The signal that ended the process (e.g. `SIGTERM`), or `null` after a normal exit. */
  signal: string | null;
}

/** Options of {@link CommandRunner.run}. */
export interface RunOptions {
  /** Written to the command's stdin, which is then closed (stdin is closed empty without it). */
  input?: string;
  /** Aborting kills the command (SIGTERM) and rejects the run; callers time out with `withTimeout` + this. */
  signal?: AbortSignal;
}

/** How a long-lived process ended; `error` is set when it could not be started at all (ENOENT, EACCES). */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  error?: Error;
}

/**
 * A long-lived child process (e.g. `gpioset` holding a GPIO line). Listeners registered after an
 * event happened miss it, except {@link onExit}, which fires at once if the process already ended.
 */
export interface ProcessHandle {
  /** OS process id, `undefined` when the process could not be started. */
  readonly pid: number | undefined;
  /** Writes `line` plus a newline to the process's stdin. Write errors surface through {@link onExit}. */
  write(line: string): void;
  /** Called with each chunk of stdout text (UTF-8; chunks are not split at newlines). */
  onStdout(listener: (chunk: string) => void): void;
  /** Called with each chunk of stderr text. */
  onStderr(listener: (chunk: string) => void): void;
  /** Called once when the process has ended and its output streams are closed. */
  onExit(listener: (exit: ProcessExit) => void): void;
  /** Sends `signal` (default `SIGTERM`); a no-op once the process has ended. */
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Runs external programs (the Debian `gpiod` tools). Injected so backends are testable with a fake
 * that asserts the exact argv. Commands are run without a shell: arguments are never re-parsed.
 */
export interface CommandRunner {
  /**
   * Runs `cmd args...` to completion. Resolves with the result whatever the exit code; rejects only
   * when the program cannot be started (error `code` ENOENT: not installed, EACCES) or is aborted.
   */
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
  /** Starts `cmd args...` and returns at once; failures to start are reported through `onExit`. */
  spawn(cmd: string, args: readonly string[]): ProcessHandle;
}

/** The real {@link CommandRunner} on `node:child_process` (no shell, UTF-8 output). */
export class NodeCommandRunner implements CommandRunner {
  run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    return new Promise<CommandResult>((resolve, reject) => {
      const child = spawnChild(cmd, [...args], { stdio: 'pipe', signal: opts.signal });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      child.stdin.on('error', () => {
        /* EPIPE when the command exits without reading stdin: its exit status tells the story */
      });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
      child.stdin.end(opts.input ?? '');
    });
  }

  spawn(cmd: string, args: readonly string[]): ProcessHandle {
    return new NodeProcessHandle(spawnChild(cmd, [...args], { stdio: 'pipe' }));
  }
}

/** {@link ProcessHandle} over a Node child process; `close` (streams flushed) or `error` ends it once. */
class NodeProcessHandle implements ProcessHandle {
  private exit: ProcessExit | undefined;
  private readonly exitListeners: Array<(exit: ProcessExit) => void> = [];

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdin.on('error', () => {
      /* EPIPE after the process died: reported through onExit */
    });
    child.on('error', (error) => this.finish({ code: null, signal: null, error }));
    child.on('close', (code, signal) => this.finish({ code, signal }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  write(line: string): void {
    if (this.exit || !this.child.stdin.writable) return;
    this.child.stdin.write(`${line}\n`);
  }

  onStdout(listener: (chunk: string) => void): void {
    this.child.stdout.on('data', listener);
  }

  onStderr(listener: (chunk: string) => void): void {
    this.child.stderr.on('data', listener);
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    if (this.exit) listener(this.exit);
    else this.exitListeners.push(listener);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.exit) this.child.kill(signal);
  }

  private finish(exit: ProcessExit): void {
    if (this.exit) return;
    this.exit = exit;
    for (const l of this.exitListeners.splice(0)) l(exit);
  }
}
