import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startService } from '../../src/app/service.js';
import { loadConfig } from '../../src/config/load.js';
import { drive } from '../../simulators/run-simulation.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The shipped simulated config in a temp dir, with `history` as given (omitted: no section). */
function writeConfig(history?: unknown): { file: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'service-history-'));
  dirs.push(dir);
  const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
  raw.controller.stateDir = join(dir, 'state');
  raw.controller.speciesDir = join(process.cwd(), 'config/species');
  raw.host = { enabled: false };
  if (history !== undefined) raw.history = history;
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw));
  return { file, stateDir: raw.controller.stateDir };
}

async function runFor(file: string, ms: number) {
  const clock = new VirtualClock(Date.parse('2026-06-01T08:00:00Z'));
  const service = await drive(clock, startService({ config: loadConfig(file), clock, log: silentLogger(), socketPath: join(tmpdir(), `h-${process.pid}-${Math.random().toString(36).slice(2)}.sock`) }));
  const from = clock.now();
  await clock.advance(ms);
  await service.history?.settled?.();
  const points = service.history?.points('gecko', from, clock.now()) ?? null;
  await drive(clock, service.stop());
  return { points, service };
}

describe('terrarium run with and without history', () => {
  it('without a history section records nothing and creates no database file', async () => {
    const { file, stateDir } = writeConfig();
    const { points, service } = await runFor(file, 3 * 60_000);
    expect(service.history).toBeUndefined();
    expect(points).toBeNull();
    expect(readdirSync(stateDir).filter((f) => f.includes('history'))).toEqual([]);
  });

  it('with one, the service hands out a reader with the minutes the controller ran, and the file holds them after stop', async () => {
    const { file, stateDir } = writeConfig({});
    const { points } = await runFor(file, 4 * 60_000);
    expect(points?.length).toBeGreaterThanOrEqual(2);
    expect(points?.[0].temperatureC).toBeGreaterThan(10);
    expect(existsSync(join(stateDir, 'history.db'))).toBe(true);
    // stop wrote the minute in progress too
    const { HistoryStore } = await import('../../src/history/history-store.js');
    const store = HistoryStore.openReadOnly(join(stateDir, 'history.db'));
    expect(store.counts().minute).toBeGreaterThan(points?.length ?? 0);
    store.close();
  });
});
