import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO, simulatedRaw, writeConfig } from './configs.js';
import { cpuOf, DIST_MAIN, type ProbedProcess, type ProbeSample, runChild, startProbed } from './procs.js';
import { MB } from './realtime.js';
import { type Figure, figure } from './results.js';
import { summary } from './stats.js';

/** Window of the http-cost figure, s after start: warm-up first, then sub-windows (the rounds). */
export interface HttpCostPlan {
  fromS: number;
  toS: number;
  subS: number;
  /** How often the simulated dashboard polls `/api/status` and `/metrics`, ms. */
  pollMs: number;
}

/** Under a minute, as a figure run on its own should be; a longer window only narrows the noise. */
export const HTTP_COST_PLAN: HttpCostPlan = { fromS: 20, toS: 56, subS: 6, pollMs: 2_000 };

/** The bound port from the `http endpoint listening` log line (pino JSON on stdout). */
async function boundPort(p: ProbedProcess, timeoutMs: number): Promise<number> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    for (const l of p.stdout) {
      const m = /"http":\{"host":"[^"]*","port":(\d+)[,}]/.exec(l);
      if (m) return Number(m[1]);
    }
    if (p.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`no "http endpoint listening" line within ${timeoutMs} ms; stderr: ${p.stderr.slice(-5).join(' | ')}`);
}

/** Debian's Chromium, driven by playwright-core for the "browser open" figure (skipped when missing). */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const BENCH_PASSWORD = 'bench dashboard password';

/** Sets the dashboard password of the controller whose state directory is `stateDir`, with the shipped build's own code. */
async function setPassword(stateDir: string): Promise<void> {
  const pw = (await import(pathToFileURL(join(REPO, 'dist', 'src', 'http', 'password.js')).href)) as {
    hashPassword(p: string): Promise<string>;
    writePasswordFile(file: string, line: string): void;
    defaultPasswordFile(dir: string): string;
  };
  mkdirSync(stateDir, { recursive: true });
  pw.writePasswordFile(pw.defaultPasswordFile(stateDir), await pw.hashPassword(BENCH_PASSWORD));
}

/** A headless Chromium logged in to the dashboard at `base`, left open (it polls as a keeper's browser does). */
async function openDashboard(base: string): Promise<{ close(): Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(base);
    await page.waitForSelector('#password', { state: 'visible', timeout: 20_000 });
    await page.fill('#password', BENCH_PASSWORD);
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector('#login', { state: 'hidden', timeout: 20_000 });
    return { close: () => browser.close() };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Share of ticks that started at most `limitS` late, and their count, from a controller's `/metrics` (the lateness histogram). */
async function latenessShare(base: string, limitS: number): Promise<{ ticks: number; withinLimit: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const bucket = (le: string): number => Number(new RegExp(`^terrarium_tick_lateness_seconds_bucket\\{le="${le.replace('+', '\\+')}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { ticks: bucket('+Inf'), withinLimit: bucket(String(limitS)) };
}

/**
 * The cost of the `http` section: three `terrarium run --simulate` processes of the shipped build
 * on config/simulated.json side by side, near-idle: (A) without `http`, (B) with `http` and no
 * client, (C) with `http` and a client (this process) fetching `/api/status` and `/metrics` every
 * `pollMs` as an open dashboard does. CPU from the preloaded probe per sub-window; RSS (VmRSS) at
 * the end. Then child-http-tick.mjs measures directly, without the JIT (`--jitless`: at one tick a
 * second V8 leaves the tick's code unoptimised), what `http` adds to each tick. Figures: RSS of C
 * above A (target <= 15 MB); the added work per tick (target <= 1 % of A's CPU per tick, i.e.
 * unchanged); B's CPU per tick above A's (reported: process-to-process noise dominates); C's CPU
 * per second above B's (what the polling dashboard costs; reported).
 */
export async function httpCostFigures(dir: string, plan: HttpCostPlan = HTTP_COST_PLAN): Promise<Figure[]> {
  const raw = simulatedRaw();
  const periodMs = raw.controller.tickMs as number;
  const fileA = writeConfig(raw, dir, 'http-off');
  const fileB = writeConfig({ ...raw, http: { port: 0 } }, dir, 'http-idle');
  const fileC = writeConfig({ ...raw, http: { port: 0 } }, dir, 'http-polled');
  const withBrowser = existsSync(CHROMIUM);
  const fileD = writeConfig({ ...raw, http: { port: 0 } }, dir, 'http-browser');
  if (withBrowser) await setPassword(join(dir, 'http-browser-state'));
  const t0 = performance.now();
  const A = startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileA]);
  const B = startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileB]);
  const C = startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileC]);
  const D = withBrowser ? startProbed([DIST_MAIN, 'run', '--simulate', '--config', fileD]) : undefined;
  const procs = D ? [A, B, C, D] : [A, B, C];
  let browserPage: { close(): Promise<void> } | undefined;
  let baseD = '';
  const polls = { requests: 0, failed: 0, statusBytes: 0, metricsBytes: 0 };
  let poller: NodeJS.Timeout | undefined;
  try {
    const port = await boundPort(C, 30_000);
    const base = `http://127.0.0.1:${port}`;
    const poll = async (): Promise<void> => {
      for (const path of ['/api/status', '/metrics']) {
        polls.requests++;
        try {
          const r = await fetch(base + path, { signal: AbortSignal.timeout(1_500) });
          const body = await r.text();
          if (!r.ok) polls.failed++;
          else if (path === '/metrics') polls.metricsBytes = body.length;
          else polls.statusBytes = body.length;
        } catch {
          polls.failed++;
        }
      }
    };
    poller = setInterval(() => void poll(), plan.pollMs);
    if (D) {
      baseD = `http://127.0.0.1:${await boundPort(D, 30_000)}`;
      browserPage = await openDashboard(baseD);
    }
    const at = (s: number): Promise<void> => sleep(Math.max(0, t0 + s * 1000 - performance.now()));
    const samples: Array<{ t: number; s: ProbeSample[]; rss: number[] }> = [];
    for (let s = plan.fromS; s <= plan.toS; s += plan.subS) {
      await at(s);
      for (const p of procs) if (p.child.exitCode !== null) throw new Error(`a controller exited (${p.child.exitCode}): ${p.stderr.slice(-5).join(' | ')}`);
      const t = performance.now();
      samples.push({ t, s: await Promise.all(procs.map((p) => p.probe())), rss: procs.map((p) => p.rss() / MB) });
    }
    const rss = procs.map((p) => p.rss() / MB);
    // RSS moves with each process's GC cycle: compare A and the others at the same moments, every sub-window.
    const rssAbove = (k: number) => summary(samples.map((x) => x.rss[k]! - x.rss[0]!));
    const lateness = D ? await latenessShare(baseD, 0.05) : undefined;
    await browserPage?.close();
    browserPage = undefined;
    clearInterval(poller);
    poller = undefined;
    const perTick: number[][] = procs.map(() => []);
    const perSec: number[][] = procs.map(() => []);
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i]!.t - samples[i - 1]!.t) / 1000;
      for (let k = 0; k < procs.length; k++) {
        const cpu = cpuOf(samples[i]!.s[k]!) - cpuOf(samples[i - 1]!.s[k]!);
        perTick[k]!.push(cpu / ((dt * 1000) / periodMs));
        perSec[k]!.push(cpu / dt);
      }
    }
    const offTick = summary(perTick[0]!);
    const idleExcess = summary(perTick[1]!.map((c, i) => c - perTick[0]![i]!));
    const dashboard = summary(perSec[2]!.map((c, i) => c - perSec[1]![i]!));
    const direct = await runChild<{ perTickUs: number; perSampleUs: number; calls: number }>('child-http-tick.mjs', ['20000'], ['--jitless']);
    const words = `seconds ${plan.fromS}-${plan.toS} after start, ${offTick.n} sub-windows of ${plan.subS} s`;
    const side = `Three \`node dist/src/cli/main.js run --simulate\` processes on config/simulated.json (1 enclosure, 1 s ticks) side by side, real time: A without \`http\`, B with \`http\` (port 0) and no client, C with \`http\` polled by the bench process (GET /api/status and GET /metrics every ${plan.pollMs / 1000} s, as an open dashboard). CPU = process.cpuUsage() (user + system) from the preloaded probe at each sub-window boundary, ${words}; RSS = VmRSS of every process at each sub-window boundary, the value being the median over those moments of the difference to A at the same moment (min/median given; one moment alone swings by several MB with each process's GC cycle).`;
    const details = { rssMB: { off: rss[0], idle: rss[1], polled: rss[2] }, cpuMsPerTick: { off: offTick, idle: summary(perTick[1]!), polled: summary(perTick[2]!) }, cpuMsPerSecond: { off: summary(perSec[0]!), idle: summary(perSec[1]!), polled: summary(perSec[2]!) }, polls, direct };
    const offRef = { name: 'the same controller without http, CPU per tick, same window', value: offTick.median, unit: 'ms CPU', stats: offTick };
    const browserFigures = D
      ? [
          figure({
            id: 'http-browser-rss',
            name: 'http on, a real browser logged in to the dashboard: RSS above http off',
            value: rssAbove(3).median,
            unit: 'MB',
            stats: rssAbove(3),
            reference: { name: 'the same controller without http, end of the window', value: rss[0]!, unit: 'MB' },
            ratio: null,
            target: '<= 15 MB above http off',
            targetSpec: { op: '<=', limit: 15, of: 'value' },
            method: `${side} D: a fourth process like B with a dashboard password, and a headless Chromium (${CHROMIUM}, playwright-core) logged in to its dashboard at 1280x800 for the whole window (the page polls the dashboard API every 2 s and loads the 24 h chart). RSS of D above A, as for C.`,
            details: { ...details, rssMB: { ...details.rssMB, browser: rss[3] }, cpuMsPerTick: { ...details.cpuMsPerTick, browser: summary(perTick[3]!) }, lateness },
          }),
          figure({
            id: 'http-browser-tick-period',
            name: 'http on, a real browser logged in: share of ticks started within 50 ms of their slot',
            value: lateness && lateness.ticks > 0 ? (100 * lateness.withinLimit) / lateness.ticks : NaN,
            unit: '%',
            reference: { name: 'the same share for http off, by design of the tick loop (not measured here)', value: 100, unit: '%' },
            ratio: null,
            target: 'the tick period holds: >= 99 % of ticks within 50 ms',
            targetSpec: { op: '>=', limit: 99, of: 'value' },
            method: `From D's own /metrics (terrarium_tick_lateness_seconds histogram, le="0.05" over +Inf) at the end of the window, every tick since D started. ${side}`,
            details: { lateness },
          }),
        ]
      : [];
    return [
      ...browserFigures,
      figure({
        id: 'http-rss',
        name: 'http on, dashboard polling every 2 s: RSS above http off',
        value: rssAbove(2).median,
        unit: 'MB',
        stats: rssAbove(2),
        reference: { name: 'the same controller without http, end of the window', value: rss[0]!, unit: 'MB' },
        ratio: null,
        target: '<= 15 MB above http off',
        targetSpec: { op: '<=', limit: 15, of: 'value' },
        method: side,
        details,
      }),
      figure({
        id: 'http-tick-cpu',
        name: 'http on: CPU added to each tick (metrics: tick duration, lateness, on-time of 5 outputs)',
        value: direct.perTickUs / 1000,
        unit: 'ms CPU',
        reference: offRef,
        target: 'tick cost unchanged: <= 1 % of the http-off CPU per tick',
        targetSpec: { op: '<=', limit: offTick.median / 100, of: 'value' },
        method: `What the http section adds to a tick, measured directly: child-http-tick.mjs calls the shipped ControllerMetrics.observeTick ${direct.calls} times with config/simulated.json's 5 outputs (switching on and off), under \`node --jitless\` (real time at 1 tick/s leaves the tick's code unoptimised; with the JIT it is cheaper), CPU per call; each sensor sample adds ${(direct.perSampleUs).toFixed(1)} µs (observeSample). Reference: A's CPU per tick (median of the sub-windows). ${side}`,
        details,
      }),
      figure({
        id: 'http-idle-cpu',
        name: 'http on (no client): whole-process CPU per tick above http off',
        value: idleExcess.median,
        unit: 'ms CPU',
        stats: idleExcess,
        reference: offRef,
        target: 'reported (two processes differ by more than the tick work measured above)',
        targetSpec: null,
        method: `${side} Value: median over the sub-windows of B's CPU per tick minus A's in the same sub-window.`,
        details,
      }),
      figure({
        id: 'http-dashboard-cpu',
        name: 'dashboard polling /api/status and /metrics every 2 s: CPU per second above http on without a client',
        value: dashboard.median,
        unit: 'ms CPU/s',
        stats: dashboard,
        reference: { name: 'http on without a client, CPU per second', value: summary(perSec[1]!).median, unit: 'ms CPU/s' },
        ratio: null,
        target: 'reported',
        targetSpec: null,
        method: `${side} Value: median over the sub-windows of C's CPU per second minus B's in the same sub-window.`,
        details,
      }),
    ];
  } finally {
    await browserPage?.close();
    if (poller) clearInterval(poller);
    await Promise.all(procs.map((p) => p.stop()));
  }
}
