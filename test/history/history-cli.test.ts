import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { parseWhen } from '../../src/cli/history.js';
import { SystemClock } from '../../src/hal/system-clock.js';
import { HistoryStore, MINUTE_MS, type HistoryOp } from '../../src/history/history-store.js';
import { runCli } from '../cli/run-cli.js';

let dir: string;
let withHistory: string;
let noDbYet: string;
let noSection: string;
/** Three recent minutes (the real clock: the CLI runs on it), written by the store the controller uses; kept open, as by a running controller. */
let store: HistoryStore;
const now = Date.now();
const t0 = Math.floor(now / MINUTE_MS) * MINUTE_MS - 3 * MINUTE_MS;

function config(name: string, history: unknown): string {
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, name);
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.controller.timezone = 'UTC';
  if (history !== undefined) raw.history = history;
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'history-cli-'));
  withHistory = config('with', {});
  noDbYet = config('nodb', {});
  noSection = config('none', undefined);
  store = HistoryStore.open(join(dir, 'with', 'history.db'), { log: silentLogger(), clock: new SystemClock() });
  const ops: HistoryOp[] = [0, 1, 2].map((i) => ({
    kind: 'minute',
    enclosureId: 'gecko',
    point: { t: t0 + i * MINUTE_MS, temperatureC: 27 + i / 2, minC: 26.5 + i / 2, maxC: 27.5 + i / 2, humidityPct: 40, setpointC: 28, outputs: { heater: i === 1 ? 0.5 : 1, lights: 1 }, mode: 'normal', phase: 'day', coveredMs: MINUTE_MS, tempMs: MINUTE_MS, humMs: MINUTE_MS },
  }));
  ops.push({ kind: 'event', event: { t: t0 + 30_000, enclosureId: 'gecko', type: 'feed', text: 'fed (feeder, scheduled), with "crickets"' } });
  store.apply(ops, now, { minuteMs: 14 * 86_400_000, quarterHourMs: 730 * 86_400_000, eventMs: 365 * 86_400_000 }, ['gecko']);
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('terrarium history', () => {
  it('prints CSV with a header row, and JSON as an array, from the database a running controller holds open', async () => {
    const csv = await runCli(['history', '--config', withHistory, '--enclosure', 'gecko', '--since', '1h', '--csv']);
    expect(csv.stderr).toBe('');
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('time,temperatureC,minC,maxC,humidityPct,setpointC,mode,phase,heaterOn,lightsOn');
    expect(lines.slice(1)).toEqual([0, 1, 2].map((i) => `${new Date(t0 + i * MINUTE_MS).toISOString()},${(27 + i / 2).toFixed(3)},${(26.5 + i / 2).toFixed(3)},${(27.5 + i / 2).toFixed(3)},40.00,28.00,normal,day,${i === 1 ? '0.5000' : '1.0000'},1.0000`));
    const json = await runCli(['history', '-c', withHistory, '-e', 'gecko', '--json']);
    expect(json.code).toBe(0);
    const points = JSON.parse(json.stdout);
    expect(points).toHaveLength(3);
    expect(points[1]).toEqual({ t: t0 + MINUTE_MS, temperatureC: 27.5, minC: 27, maxC: 28, humidityPct: 40, setpointC: 28, outputs: { heater: 0.5, lights: 1 }, mode: 'normal', phase: 'day' });
  }, 30_000);

  it('prints a readable table by default, and the events with --events (CSV quoted as needed)', async () => {
    const table = await runCli(['history', '-c', withHistory, '-e', 'gecko']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^gecko: 1-minute points, .* \(UTC\)\ntime\s+°C\s+min\s+max\s+%RH\s+setpoint\s+mode\s+phase\s+heater on\s+lights on\n/);
    expect(table.stdout).toMatch(/27\.5\s+27\.0\s+28\.0\s+40\s+28\.0\s+normal\s+day\s+50 %\s+100 %/);
    const events = await runCli(['history', '-c', withHistory, '-e', 'gecko', '--events', '--csv']);
    expect(events.stdout).toBe(`time,type,text\n${new Date(t0 + 30_000).toISOString()},feed,"fed (feeder, scheduled), with ""crickets"""\n`);
  }, 30_000);

  it('says clearly what is wrong: unknown enclosure, no history section, no database yet, a bad duration', async () => {
    const unknown = await runCli(['history', '-c', withHistory, '-e', 'iguana']);
    expect(unknown).toMatchObject({ code: 2, stdout: '', stderr: 'terrarium: unknown enclosure "iguana"; configured: gecko\n' });
    const none = await runCli(['history', '-c', noSection, '-e', 'gecko']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no local history in .*none\.json: add a "history" section/);
    const nodb = await runCli(['history', '-c', noDbYet, '-e', 'gecko']);
    expect(nodb.code).toBe(1);
    expect(nodb.stderr).toMatch(/history\.db: no history database yet/);
    const bad = await runCli(['history', '-c', withHistory, '-e', 'gecko', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('terrarium: --since "yesterday": not a duration (e.g. 24h, 7d, 90m, 2w) or an ISO time (e.g. 2026-06-01T12:00Z)\n');
  }, 60_000);

  it('reads durations back from now and ISO times', () => {
    const n = Date.parse('2026-06-02T00:00:00Z');
    expect(parseWhen('--since', '24h', n)).toBe(Date.parse('2026-06-01T00:00:00Z'));
    expect(parseWhen('--since', '1.5d', n)).toBe(Date.parse('2026-05-31T12:00:00Z'));
    expect(parseWhen('--until', '2026-06-01T12:00Z', n)).toBe(Date.parse('2026-06-01T12:00:00Z'));
    expect(() => parseWhen('--since', '-3h', n)).toThrow(/--since "-3h": not a duration/);
  });
});
