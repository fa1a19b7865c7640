import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { HistoryStore, MINUTE_MS, type HistoryOp, type StoredPoint } from '../../src/history/history-store.js';
import { HistoryRecorder } from '../../src/history/history-recorder.js';
import { ThreadedHistorySink } from '../../src/history/history-writer.js';
import type { TickOutcome } from '../../src/app/enclosure-runtime.js';
import type { EnclosureSnapshot } from '../../src/control/snapshot.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.parse('2026-06-01T12:00:00Z');
const KEEP = { minuteMs: 14 * 86_400_000, quarterHourMs: 730 * 86_400_000, eventMs: 365 * 86_400_000 };
const minute = (t: number): HistoryOp => ({
  kind: 'minute',
  enclosureId: 'gecko',
  point: { t, temperatureC: 25, minC: 25, maxC: 25, humidityPct: 40, setpointC: 28, outputs: { heater: 0.5 }, mode: 'normal', phase: 'day', coveredMs: MINUTE_MS, tempMs: MINUTE_MS, humMs: MINUTE_MS } satisfies StoredPoint,
});

/** A tick outcome with only what history reads filled in: 25 °C, heater off. */
function tick(at: number): TickOutcome {
  const snapshot = {
    enclosureId: 'gecko',
    at,
    mode: 'normal',
    phase: 'day',
    setpointC: 28,
    temperature: { sensorId: 'air', quantity: 'temperature', value: 25, at, quality: 'ok' },
    humidity: { sensorId: 'air', quantity: 'humidity', value: 50, at, quality: 'ok' },
    actuators: { heater: { kind: 'heater', on: false, reason: '' } },
  } as unknown as EnclosureSnapshot;
  return { snapshot, events: [] };
}

function open(): { file: string; sink: ThreadedHistorySink; lines: string[]; log: pino.Logger } {
  const dir = mkdtempSync(join(tmpdir(), 'history-writer-'));
  dirs.push(dir);
  const file = join(dir, 'history.db');
  const lines: string[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  const reader = HistoryStore.open(file, { log: silentLogger(), clock: new VirtualClock(T0) });
  return { file, sink: new ThreadedHistorySink(reader, file, log), lines, log };
}

describe('history writes in a worker thread', () => {
  it('writes on a thread of its own; what it was sent is readable once settled and on disk after close', async () => {
    const { file, sink } = open();
    const writer = await sink.writerThread();
    expect(writer).not.toBeNull();
    expect(writer).not.toBe(threadId);
    sink.apply([minute(T0), minute(T0 + MINUTE_MS)], T0 + 2 * MINUTE_MS, KEEP, ['gecko']);
    sink.apply([minute(T0 + 2 * MINUTE_MS)], T0 + 3 * MINUTE_MS, KEEP, ['gecko']);
    await sink.settled();
    expect(sink.points('gecko', T0, T0 + 10 * MINUTE_MS, '1m').map((p) => p.t)).toEqual([T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]);
    sink.apply([minute(T0 + 3 * MINUTE_MS)], T0 + 4 * MINUTE_MS, KEEP, ['gecko']);
    await sink.close();
    const check = HistoryStore.openReadOnly(file);
    expect(check.counts().minute).toBe(4);
    check.close();
  });

  it('keeps a batch the writer could not apply and sends it again first with the next flush', async () => {
    const { file, sink, lines, log } = open();
    await sink.writerThread();
    const clock = new VirtualClock(T0);
    const rec = new HistoryRecorder({ store: sink, clock, log, retention: KEEP, enclosureIds: ['gecko'], tickMs: 1000, flushMs: 1e9 });
    const ticks = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        rec.onTick([tick(clock.now())]);
        await clock.advance(1000);
      }
    };
    await ticks(61); // the tick at T0 + 60 s closes the first minute
    // Another connection holds the write lock past the writer's 2 s busy timeout: its transaction fails.
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    rec.flush();
    await sink.settled();
    blocker.exec('ROLLBACK');
    blocker.close();
    const failed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'history: writing failed; retrying at the next flush');
    expect(failed).toHaveLength(1);
    expect(sink.points('gecko', T0, T0 + 10 * MINUTE_MS, '1m')).toEqual([]);
    await ticks(60);
    rec.flush();
    await rec.settled();
    expect(sink.points('gecko', T0, T0 + 10 * MINUTE_MS, '1m').map((p) => p.t)).toEqual([T0, T0 + MINUTE_MS]);
    await rec.stop();
  });
});
