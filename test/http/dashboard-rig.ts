import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Controller } from '../../src/app/controller.js';
import { HttpService } from '../../src/app/http.js';
import { parseConfig, type Config } from '../../src/config/load.js';
import type { HistoryReader } from '../../src/history/types.js';
import { defaultPasswordFile, hashPassword, writePasswordFile } from '../../src/http/password.js';
import { drive } from '../../simulators/run-simulation.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

export const CONFIG = join(process.cwd(), 'config/simulated.json');
export const PASSWORD = 'correct horse battery';

/** The shipped simulated config in a fresh state directory, with `http` as given (port 0 unless set). */
export function dashboardConfig(http: Record<string, unknown> = {}, stateDir = mkdtempSync(join(tmpdir(), 'dashboard-'))): Config {
  return parseConfig(dashboardRaw(http, stateDir), CONFIG);
}

/** The raw configuration behind {@link dashboardConfig}, also written to `<stateDir>/config.json` (for CLI commands). */
export function dashboardRaw(http: Record<string, unknown>, stateDir: string): Record<string, unknown> {
  const raw = JSON.parse(readFileSync(CONFIG, 'utf8'));
  raw.controller.stateDir = stateDir;
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.http = { port: 0, ...http };
  writeFileSync(join(stateDir, 'config.json'), JSON.stringify(raw));
  return raw;
}

/** Sets the dashboard password of `config` as `terrarium passwd` would. */
export async function setPassword(config: Config, password = PASSWORD): Promise<void> {
  writePasswordFile(config.http?.passwordFile ?? defaultPasswordFile(config.controller.stateDir), await hashPassword(password));
}

export interface RigOptions {
  http?: Record<string, unknown>;
  /** Password to set before start; `null`: none. Default {@link PASSWORD}. */
  password?: string | null;
  history?: HistoryReader;
  /** Leave a controller "crashed" in the state directory first: the new one starts with a latched unclean-stop fault. */
  crashFirst?: boolean;
}

/**
 * A real controller on simulated hardware in virtual time with the dashboard on a free loopback
 * port; every log line is kept in `logs` (JSON text).
 */
export async function dashboardRig(o: RigOptions = {}) {
  const config = dashboardConfig(o.http);
  if (o.password !== null) await setPassword(config, o.password ?? PASSWORD);
  const clock = new VirtualClock(Date.parse('2026-06-01T10:00:00Z'));
  const logs: string[] = [];
  const log = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString());
        cb();
      },
    }),
  );
  if (o.crashFirst) {
    const first = new Controller({ config, hardware: new SimWorld(config, clock).hardware(), log });
    await drive(clock, first.start());
    await clock.advance(3_000);
    await drive(clock, first.abandon()); // no clean stop: the next start finds the process "running"
  }
  const world = new SimWorld(config, clock); // fresh simulated hardware (the crashed process held its GPIO lines)
  const http = new HttpService({ config, clock, log, history: o.history });
  const c = new Controller({ config, hardware: world.hardware(), log, onTickTiming: http.onTickTiming });
  await drive(clock, c.start());
  await http.start(c, clock.monotonic());
  await clock.advance(3_000);
  const stop = async (): Promise<void> => {
    await http.stop();
    await drive(clock, c.stop());
  };
  return { config, clock, world, c, http, logs, log, stop };
}

/** Cookies from `set-cookie` headers, by name. */
export function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of [setCookie ?? []].flat()) {
    const [pair] = h.split(';');
    const i = pair!.indexOf('=');
    out[pair!.slice(0, i).trim()] = decodeURIComponent(pair!.slice(i + 1).trim());
  }
  return out;
}
