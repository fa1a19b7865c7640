import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { HistoryStore, MINUTE_MS, QUARTER_MS, type HistoryOp, type StoredPoint } from '../../src/history/history-store.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'history-store-'));
  dirs.push(d);
  return d;
}

const T0 = Date.parse('2026-06-01T12:00:00Z');
const KEEP = { minuteMs: 14 * 86_400_000, quarterHourMs: 730 * 86_400_000, eventMs: 365 * 86_400_000 };

function point(t: number, over: Partial<StoredPoint> = {}): StoredPoint {
  return { t, temperatureC: 25, minC: 24.5, maxC: 25.5, humidityPct: 40, setpointC: 28, outputs: { heater: 0 }, mode: 'normal', phase: 'day', coveredMs: MINUTE_MS, tempMs: MINUTE_MS, humMs: MINUTE_MS, ...over };
}
const minute = (p: StoredPoint, enclosureId = 'gecko'): HistoryOp => ({ kind: 'minute', enclosureId, point: p });

describe('history store', () => {
  it('makes a 15-minute point from its minutes, weighted by the time each minute covered', () => {
    const store = HistoryStore.open(join(tempDir(), 'h.db'), { log: silentLogger(), clock: new VirtualClock(T0) });
    const ops = [
      // a half-covered minute (the controller started mid-minute) at 20 °C, heater on all of it
      minute(point(T0, { temperatureC: 20, minC: 19, coveredMs: 30_000, tempMs: 30_000, outputs: { heater: 1 } })),
      minute(point(T0 + MINUTE_MS, { temperatureC: 26, maxC: 27, outputs: { heater: 0.5 } })),
      minute(point(T0 + 2 * MINUTE_MS, { temperatureC: null, minC: null, maxC: null, tempMs: 0, outputs: { heater: 0 }, mode: 'safe', setpointC: 22 })),
    ];
    store.apply(ops, T0 + 3 * MINUTE_MS, KEEP, ['gecko']);
    const [q] = store.points('gecko', T0, T0 + QUARTER_MS, '15m');
    expect(q.t).toBe(T0);
    expect(q.temperatureC).toBeCloseTo((20 * 30 + 26 * 60) / 90, 9);
    expect([q.minC, q.maxC]).toEqual([19, 27]);
    expect(q.outputs.heater).toBeCloseTo((30 + 30 + 0) / 150, 9);
    expect([q.mode, q.setpointC]).toEqual(['safe', 22]);
    expect(store.points('gecko', T0, T0 + QUARTER_MS, '1m')).toHaveLength(3);
    store.close();
  });

  it('drops points and events beyond the retentions, per enclosure, and forgets what lies after a clock step back', () => {
    const store = HistoryStore.open(join(tempDir(), 'h.db'), { log: silentLogger(), clock: new VirtualClock(T0) });
    const day = 86_400_000;
    const ops: HistoryOp[] = [];
    for (let d = 0; d < 20; d++) ops.push(minute(point(T0 + d * day)), { kind: 'event', event: { t: T0 + d * day, enclosureId: 'gecko', type: 'feed', text: 'fed' } });
    const now = T0 + 19 * day + 1;
    store.apply(ops, now, { minuteMs: 14 * day, quarterHourMs: 16 * day, eventMs: 10 * day }, ['gecko']);
    expect(store.points('gecko', 0, now, '1m').map((p) => p.t)).toEqual(Array.from({ length: 14 }, (_, i) => T0 + (6 + i) * day));
    expect(store.points('gecko', 0, now, '15m')).toHaveLength(16);
    expect(store.events('gecko', 0, now, 1000)).toHaveLength(10);
    store.apply([{ kind: 'forget', enclosureId: 'gecko', fromMs: T0 + 18 * day }], now, KEEP, ['gecko']);
    expect(store.points('gecko', 0, now, '1m').at(-1)?.t).toBe(T0 + 17 * day);
    expect(store.points('gecko', 0, now, '15m').at(-1)?.t).toBe(T0 + 17 * day);
    expect(store.events('gecko', 0, now, 1)[0].t).toBe(T0 + 17 * day);
    store.close();
  });

  it('moves a corrupt file aside (kept as evidence), says so loudly and starts a new one', () => {
    const dir = tempDir();
    const file = join(dir, 'history.db');
    const garbage = 'not a database, a torn SD card block\n'.repeat(500);
    writeFileSync(file, garbage);
    const log = { error: vi.fn(), warn: vi.fn(), info: vi.fn() } as unknown as Logger;
    const store = HistoryStore.open(file, { log, clock: new VirtualClock(T0) });
    store.apply([minute(point(T0))], T0 + MINUTE_MS, KEEP, ['gecko']);
    expect(store.points('gecko', T0, T0 + MINUTE_MS, '1m')).toHaveLength(1);
    store.close();
    const aside = readdirSync(dir).filter((f) => f.startsWith('history.db.corrupt-'));
    expect(aside).toEqual([`history.db.corrupt-${T0}`]);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(garbage);
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ movedTo: join(dir, aside[0]) }), expect.stringMatching(/corrupt.*moved aside/));
  });

  it('is read by a read-only reader while the writer holds it open, and says when there is no file yet', () => {
    const dir = tempDir();
    const file = join(dir, 'history.db');
    expect(() => HistoryStore.openReadOnly(file)).toThrow(/no history database yet/);
    const store = HistoryStore.open(file, { log: silentLogger(), clock: new VirtualClock(T0) });
    store.apply([minute(point(T0)), { kind: 'event', event: { t: T0, enclosureId: 'gecko', type: 'feed', text: 'fed' } }], T0 + MINUTE_MS, KEEP, ['gecko']);
    const reader = HistoryStore.openReadOnly(file);
    expect(reader.points('gecko', T0, T0 + MINUTE_MS, '1m')).toHaveLength(1);
    store.apply([minute(point(T0 + MINUTE_MS))], T0 + 2 * MINUTE_MS, KEEP, ['gecko']);
    expect(reader.points('gecko', T0, T0 + 2 * MINUTE_MS, '1m')).toHaveLength(2);
    expect(() => reader.apply([minute(point(T0 + 2 * MINUTE_MS))], T0, KEEP, ['gecko'])).toThrow(/readonly|read-only/i);
    reader.close();
    store.close();
  });

  it('after the writer is SIGKILLed mid-flush, opens, passes integrity_check and holds every batch committed before the kill', async () => {
    const file = join(tempDir(), 'history.db');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/history/fixtures/kill-writer.ts', file, String(T0)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const lastCommitted = await new Promise<number>((resolve, reject) => {
      let buf = '';
      let last = -1;
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n').filter(Boolean);
        last = Number(lines.at(-1));
        // kill while it is busy committing (the next batch is being written right now)
        if (last >= 30 && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(last) : reject(new Error(`writer ended without the kill: ${stderr}`))));
    });
    expect(lastCommitted).toBeGreaterThanOrEqual(30);
    expect(existsSync(file)).toBe(true);
    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (db.prepare("SELECT count(*) AS n FROM points_1m WHERE enclosure = 'gecko'").get() as { n: number }).n;
    // every batch whose commit returned is there (60 points each), and no partial batch
    expect(n).toBeGreaterThanOrEqual((lastCommitted + 1) * 60);
    expect(n % 60).toBe(0);
    const events = (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(events).toBe(n / 60);
    db.close();
    // and the controller's own open accepts it
    const store = HistoryStore.open(file, { log: silentLogger(), clock: new VirtualClock(T0) });
    expect(store.counts().minute).toBe(n);
    store.close();
  }, 30_000);
});
