import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { queryStatusSocket } from '../../src/app/status-server.js';
import type { StatusReport } from '../../src/app/status-report.js';
import { REPO, simulatedRaw } from './configs.js';
import { DIST_MAIN } from './dist-build.js';

/** The start-up marker `TickLoop` logs after the first tick (outputs applied). */
const FIRST_TICK_MSG = 'first control tick completed: outputs applied';
const PROBE = join(REPO, 'test', 'bench', 'cpu-probe.mjs');

/** A temp dir holding a copy of `config/simulated.json` whose state lives in the temp dir too. */
function tempConfig(): { file: string; stateDir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'terrarium-bench-run-'));
  const raw = simulatedRaw();
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(REPO, 'config', 'species');
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return { file, stateDir: raw.controller.stateDir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `terrarium run --simulate` from `dist/` with stdout/stderr as line callbacks. */
function spawnRun(configFile: string, nodeFlags: string[], onLine: (line: string, stream: 'out' | 'err') => void): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, DIST_MAIN, 'run', '--simulate', '--config', configFile], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [stream, name] of [
    [child.stdout, 'out'],
    [child.stderr, 'err'],
  ] as const) {
    let buf = '';
    stream?.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        onLine(buf.slice(0, nl), name);
        buf = buf.slice(nl + 1);
      }
    });
  }
  return child;
}

function isMarker(line: string): boolean {
  try {
    return (JSON.parse(line) as { msg?: string }).msg === FIRST_TICK_MSG;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Start-up: wall time from `spawn()` to the first-tick marker line of `terrarium run --simulate`
 * (built `dist/`), against `node -e 0` from spawn to exit; medians of `reps` runs each.
 */
export async function measureStartup(reps: number): Promise<{ controllerMs: number; bareNodeMs: number; runsMs: number[]; bareRunsMs: number[] }> {
  const runsMs: number[] = [];
  const bareRunsMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const bare = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await exited(bare);
    bareRunsMs.push(performance.now() - t0);

    const cfg = tempConfig();
    try {
      let resolveMarker: (ms: number) => void = () => undefined;
      const marker = new Promise<number>((resolve) => (resolveMarker = resolve));
      const t1 = performance.now();
      const child = spawnRun(cfg.file, [], (line) => {
        if (isMarker(line)) resolveMarker(performance.now() - t1);
      });
      const failed = exited(child).then((code) => {
        throw new Error(`terrarium run exited ${code} before its first tick`);
      });
      runsMs.push(await Promise.race([marker, failed]));
      failed.catch(() => undefined);
      await stop(child);
    } finally {
      cfg.remove();
    }
  }
  return { controllerMs: median(runsMs), bareNodeMs: median(bareRunsMs), runsMs, bareRunsMs };
}

/** VmRSS of a live process from /proc, bytes (Linux). */
function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export interface RealTimeRun {
  /** CPU ms per tick between the first tick and the end (start-up excluded). */
  cpuPerTickMs: number;
  /** CPU ms per tick over the whole run, start-up included. */
  cpuPerTickWithStartupMs: number;
  /** CPU ms per tick over the second half of the run (JIT and start-up garbage settled). */
  cpuPerTickSecondHalfMs: number;
  ticks: number;
  cpuMs: number;
  startupCpuMs: number;
  rssBytes: number;
  bareRssBytes: number;
  /** The bare node's CPU ms per second over the same window (its 1 s timer). */
  bareCpuPerSecondMs: number;
  seconds: number;
}

/**
 * A real-time run of `terrarium run --simulate` (built `dist/`, `config/simulated.json`, 1 s ticks)
 * for `seconds`, beside a bare `node` idling with a 1 s timer started at the same moment. The
 * child's CPU time comes from its own `process.cpuUsage()` (a preloaded SIGUSR2 probe, all
 * threads); ticks from its status socket; RSS of both from /proc/<pid>/status at the end.
 */
export async function measureRealTimeRun(seconds: number): Promise<RealTimeRun> {
  const cfg = tempConfig();
  const bare = spawn(process.execPath, ['--import', PROBE, '-e', 'setInterval(() => {}, 1000)'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const bareProbes: Array<{ userUs: number; systemUs: number; at: number }> = [];
  let bareBuf = '';
  bare.stderr?.setEncoding('utf8').on('data', (c: string) => {
    bareBuf += c;
    for (let nl = bareBuf.indexOf('\n'); nl >= 0; nl = bareBuf.indexOf('\n')) {
      const line = bareBuf.slice(0, nl);
      bareBuf = bareBuf.slice(nl + 1);
      if (line.startsWith('{"cpuProbe"')) bareProbes.push({ ...(JSON.parse(line) as { cpuProbe: { userUs: number; systemUs: number } }).cpuProbe, at: performance.now() });
    }
  });
  const probes: Array<{ userUs: number; systemUs: number; rssBytes: number }> = [];
  let probeWaiter: (() => void) | undefined;
  let markerSeen: (() => void) | undefined;
  const marker = new Promise<void>((resolve) => (markerSeen = resolve));
  const t0 = performance.now();
  const child = spawnRun(cfg.file, ['--import', PROBE], (line, stream) => {
    if (stream === 'out' && isMarker(line)) markerSeen?.();
    if (stream === 'err' && line.startsWith('{"cpuProbe"')) {
      probes.push((JSON.parse(line) as { cpuProbe: (typeof probes)[number] }).cpuProbe);
      probeWaiter?.();
    }
  });
  const probe = async (): Promise<(typeof probes)[number]> => {
    const n = probes.length;
    const got = new Promise<void>((resolve) => (probeWaiter = resolve));
    child.kill('SIGUSR2');
    await Promise.race([got, sleep(5000)]);
    if (probes.length <= n) throw new Error('the CPU probe did not answer');
    return probes[probes.length - 1];
  };
  try {
    const died = exited(child).then((code) => {
      throw new Error(`terrarium run exited ${code}`);
    });
    died.catch(() => undefined);
    await Promise.race([marker, died]);
    const first = await probe();
    bare.kill('SIGUSR2');
    const sock = join(cfg.stateDir, 'terrarium.sock');
    await sleep(Math.max(0, (seconds * 1000) / 2 - (performance.now() - t0)));
    const half = await probe();
    const halfTicks = ((await queryStatusSocket(sock, { cmd: 'status' })) as StatusReport).ticks;
    await sleep(Math.max(0, seconds * 1000 - (performance.now() - t0)));
    const last = await probe();
    bare.kill('SIGUSR2');
    await sleep(200);
    if (bareProbes.length < 2) throw new Error('the bare node CPU probe did not answer');
    const [b0, b1] = [bareProbes[0], bareProbes[bareProbes.length - 1]];
    const bareCpuPerSecondMs = (b1.userUs + b1.systemUs - b0.userUs - b0.systemUs) / 1000 / ((b1.at - b0.at) / 1000);
    const status = (await queryStatusSocket(sock, { cmd: 'status' })) as StatusReport;
    const rssBytes = rssOf(child.pid as number);
    const bareRssBytes = rssOf(bare.pid as number);
    const cpuMs = (last.userUs + last.systemUs) / 1000;
    const startupCpuMs = (first.userUs + first.systemUs) / 1000;
    return {
      cpuPerTickMs: (cpuMs - startupCpuMs) / Math.max(1, status.ticks - 1),
      cpuPerTickWithStartupMs: cpuMs / Math.max(1, status.ticks),
      cpuPerTickSecondHalfMs: (cpuMs - (half.userUs + half.systemUs) / 1000) / Math.max(1, status.ticks - halfTicks),
      ticks: status.ticks,
      cpuMs,
      startupCpuMs,
      rssBytes,
      bareRssBytes,
      bareCpuPerSecondMs,
      seconds,
    };
  } finally {
    await stop(child);
    bare.kill('SIGKILL');
    cfg.remove();
  }
}
