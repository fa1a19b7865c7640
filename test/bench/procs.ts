import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO } from './configs.js';

/** The preloaded CPU probe (`node --import <this>`), in every measured process and reference. */
export const PROBE = join(REPO, 'test', 'bench', 'cpu-probe.mjs');
/** The CLI entry as installed (`bin.terrarium`), from the shipped build. */
export const DIST_MAIN = join(REPO, 'dist', 'src', 'cli', 'main.js');

/** One line of the CPU probe: the process's own CPU time (all threads), RSS and heap at that moment. */
export interface ProbeSample {
  why: 'signal' | 'first-decision' | 'exit';
  userUs: number;
  systemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  uptimeMs: number;
}

/** CPU ms of a probe sample. */
export const cpuOf = (s: ProbeSample): number => (s.userUs + s.systemUs) / 1000;

/**
 * A `node` child (the running Node binary) with the CPU probe preloaded, its stdout/stderr split
 * into lines. `probe()` asks for a sample (SIGUSR2) and resolves with it.
 */
export class ProbedProcess {
  readonly child: ChildProcess;
  readonly samples: ProbeSample[] = [];
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private waiters: Array<(s: ProbeSample) => void> = [];

  constructor(args: string[], nodeFlags: string[] = []) {
    this.child = spawn(process.execPath, [...nodeFlags, '--import', PROBE, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    lines(this.child.stdout, (l) => this.stdout.push(l));
    lines(this.child.stderr, (l) => {
      if (l.startsWith('{"cpuProbe"')) {
        const s = (JSON.parse(l) as { cpuProbe: ProbeSample }).cpuProbe;
        this.samples.push(s);
        for (const w of this.waiters.splice(0)) w(s);
      } else if (this.stderr.length < 200) this.stderr.push(l);
    });
  }

  /** Resolves with the next probe sample satisfying `pred` (or one already taken), rejects on exit or timeout. */
  next(pred: (s: ProbeSample) => boolean, timeoutMs: number): Promise<ProbeSample> {
    const have = this.samples.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no probe sample within ${timeoutMs} ms; stderr: ${this.stderr.slice(-5).join(' | ')}`)), timeoutMs);
      const onExit = (code: number | null): void => {
        clearTimeout(timer);
        // The exit sample may arrive after the exit event: give the pipe a moment.
        setTimeout(() => {
          const s = this.samples.find(pred);
          if (s) resolve(s);
          else reject(new Error(`exited ${code} before the probe sample; stderr: ${this.stderr.slice(-5).join(' | ')}`));
        }, 100);
      };
      this.child.once('exit', onExit);
      const w = (s: ProbeSample): void => {
        if (!pred(s)) return void this.waiters.push(w);
        clearTimeout(timer);
        this.child.off('exit', onExit);
        resolve(s);
      };
      this.waiters.push(w);
    });
  }

  /** Samples CPU and memory now (SIGUSR2). */
  async probe(): Promise<ProbeSample> {
    const n = this.samples.length;
    const got = this.next((s) => this.samples.indexOf(s) >= n && s.why === 'signal', 5000);
    this.child.kill('SIGUSR2');
    return got;
  }

  /** VmRSS from /proc/<pid>/status, bytes (what the kernel charges the process). */
  rss(): number {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    if (!m) throw new Error(`no VmRSS for pid ${this.child.pid}`);
    return Number(m[1]) * 1024;
  }

  exited(): Promise<number | null> {
    return this.child.exitCode !== null ? Promise.resolve(this.child.exitCode) : new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** SIGTERM (the controller stops cleanly), SIGKILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await Promise.race([this.exited(), sleep(10_000)]);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (l: string) => void): void {
  let buf = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (c: string) => {
    buf += c;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      onLine(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
}

/** Every child still running, so an interrupted bench leaves none behind. */
const live = new Set<ProbedProcess>();
process.once('exit', () => {
  for (const p of live) p.child.kill('SIGKILL');
});

/** Starts a {@link ProbedProcess} that is killed if the bench exits first. */
export function startProbed(args: string[], nodeFlags: string[] = []): ProbedProcess {
  const p = new ProbedProcess(args, nodeFlags);
  live.add(p);
  p.child.once('exit', () => live.delete(p));
  return p;
}

/**
 * Runs `node [flags] test/bench/<entry> ...args` (a child of the shipped build) to completion and
 * returns the JSON object it printed as its last stdout line.
 * @throws Error with the child's stderr when it exits non-zero or prints no JSON
 */
export async function runChild<T>(entry: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  const p = startProbed([join(REPO, 'test', 'bench', entry), ...args], nodeFlags);
  const code = await p.exited();
  await sleep(20);
  const last = p.stdout[p.stdout.length - 1] ?? '';
  if (code !== 0) throw new Error(`${entry} ${args.join(' ')} exited ${code}: ${p.stderr.join('\n').slice(-2000)}`);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${entry} ${args.join(' ')} printed no JSON result: ${p.stdout.join('\n').slice(-500)}`);
  }
}
