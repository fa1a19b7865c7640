import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller } from '../../src/app/controller.js';
import { HttpService } from '../../src/app/http.js';
import { silentLogger } from '../../src/app/logger.js';
import { parseConfig } from '../../src/config/load.js';
import { CurrentProcessClock } from '../../simulators/process-clock.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

export const CONFIG = join(process.cwd(), 'config/simulated.json');

/** config/simulated.json with a fresh state directory and `http` set to `http` (left out when undefined). */
export function rawConfig(http: unknown): any {
  const raw = JSON.parse(readFileSync(CONFIG, 'utf8'));
  raw.controller.stateDir = mkdtempSync(join(tmpdir(), 'http-'));
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  if (http !== undefined) raw.http = http;
  return raw;
}

/**
 * A controller on simulated hardware (config/simulated.json, enclosure `gecko`) in virtual time,
 * with the HTTP endpoint on a free loopback port, started and wired as `terrarium run` wires it.
 * `ready`: the readiness answer before the controller started. `stallable`: the controller and
 * its devices run on a `ProcessClock` (`process`), whose `hang()` stalls the controller's timers
 * while the endpoint (on the virtual clock) goes on answering.
 */
export async function running(o: { stallable?: boolean } = {}) {
  const config = parseConfig(rawConfig({ port: 0 }), CONFIG);
  const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
  const log = silentLogger();
  // Stallable: the controller runs on a process clock whose timers can be held (a stalled event
  // loop, as the simulator's process-hang fault does); the devices run on that process's clock too.
  const devices = o.stallable ? new CurrentProcessClock(clock) : undefined;
  const world = new SimWorld(config, devices ?? clock);
  const http = new HttpService({ config, clock, log });
  const hardware = world.hardware();
  const c = new Controller({ config, hardware: devices ? { ...hardware, clock: devices.current } : hardware, log, onTickTiming: http.onTickTiming, observers: [http] });
  await http.start(c, clock.monotonic());
  const base = `http://127.0.0.1:${http.port}`;
  const get = async (path: string) => {
    const r = await fetch(base + path);
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  };
  const ready = await get('/health/ready'); // the endpoint answers before the controller has started
  await drive(clock, c.start());
  return { clock, c, http, get, ready, world, config, process: devices?.current };
}

/** Sample lines of a Prometheus text exposition: `name{labels} value`, comments skipped; throws on a malformed line. */
export function parseExposition(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out: Array<{ name: string; labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = Number(m[3] === '+Inf' ? Infinity : m[3]);
    if (Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}
