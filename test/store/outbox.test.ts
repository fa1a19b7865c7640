import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { Outbox } from '../../src/store/outbox.js';
import { SqliteStoreError, openSqlite } from '../../src/store/sqlite.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const HOUR = 3600_000;

describe('Outbox', () => {
  let dir: string;
  let clock: VirtualClock;
  const open: Outbox[] = [];
  const make = (opts: { maxRows?: number; maxAgeMs?: number } = {}, file = join(dir, 'outbox.db')): Outbox => {
    const o = new Outbox(file, { maxRows: opts.maxRows ?? 1000, maxAgeMs: opts.maxAgeMs ?? 24 * HOUR, clock });
    open.push(o);
    return o;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    clock = new VirtualClock(T0);
  });
  afterEach(() => {
    for (const o of open.splice(0)) o.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns rows oldest first with their topic, payload, QoS, retain flag and original time', () => {
    const o = make();
    o.enqueue('t/a', '{"n":1}', { at: T0 - 5000 });
    o.enqueue('t/b', '{"n":2}', { at: T0, qos: 0, retain: true });
    expect(o.peek(10)).toEqual([
      { id: 1, topic: 't/a', payload: '{"n":1}', qos: 1, retain: false, at: T0 - 5000 },
      { id: 2, topic: 't/b', payload: '{"n":2}', qos: 0, retain: true, at: T0 },
    ]);
    expect(o.pending()).toBe(2);
  });

  it('peeks after a given id so rows already in flight are skipped', () => {
    const o = make();
    for (let i = 0; i < 5; i++) o.enqueue('t', String(i), { at: T0 });
    expect(o.peek(2, 2).map((r) => r.payload)).toEqual(['2', '3']);
  });

  it('removes a row when it is marked sent, and ignores an unknown id', () => {
    const o = make();
    const a = o.enqueue('t', 'a', { at: T0 });
    o.enqueue('t', 'b', { at: T0 });
    o.markSent(a);
    o.markSent(999);
    expect(o.peek(10).map((r) => r.payload)).toEqual(['b']);
    expect(o.pending()).toBe(1);
  });

  it('drops the oldest rows beyond maxRows and counts them', () => {
    const o = make({ maxRows: 5 });
    for (let i = 1; i <= 8; i++) o.enqueue('t', String(i), { at: T0 });
    expect(o.pending()).toBe(5);
    expect(o.dropped()).toBe(3);
    expect(o.peek(10).map((r) => r.payload)).toEqual(['4', '5', '6', '7', '8']);
  });

  it('drops rows older than maxAgeMs and counts them', async () => {
    const o = make({ maxAgeMs: 2 * HOUR });
    o.enqueue('t', 'old', { at: T0 });
    await clock.advance(2 * HOUR + 1);
    o.enqueue('t', 'new', { at: clock.now() });
    expect(o.peek(10).map((r) => r.payload)).toEqual(['new']);
    expect(o.dropped()).toBe(1);
  });

  it('keeps every unsent row and the loss counter across a close and reopen', () => {
    const file = join(dir, 'restart.db');
    const a = make({ maxRows: 3 }, file);
    for (let i = 1; i <= 5; i++) a.enqueue('t', String(i), { at: T0 + i });
    a.markSent(3);
    a.close();
    const b = make({ maxRows: 3 }, file);
    expect(b.peek(10).map((r) => [r.payload, r.at])).toEqual([
      ['4', T0 + 4],
      ['5', T0 + 5],
    ]);
    expect(b.pending()).toBe(2);
    expect(b.dropped()).toBe(2);
  });

  it('never reuses an id after the queue empties, so a late acknowledgement cannot remove a newer row', () => {
    const file = join(dir, 'ids.db');
    const a = make({}, file);
    const first = a.enqueue('t', 'x', { at: T0 });
    a.markSent(first);
    a.close();
    const b = make({}, file);
    const second = b.enqueue('t', 'y', { at: T0 });
    expect(second).toBeGreaterThan(first);
    b.markSent(first);
    expect(b.pending()).toBe(1);
  });

  it('keeps small metadata beside the queue across restarts', () => {
    const file = join(dir, 'meta.db');
    const a = make({}, file);
    expect(a.getMeta('k')).toBeUndefined();
    a.setMeta('k', 'v1');
    a.setMeta('k', 'v2');
    a.close();
    expect(make({}, file).getMeta('k')).toBe('v2');
  });

  it('opens databases in WAL mode with synchronous=NORMAL', () => {
    const file = join(dir, 'wal.db');
    const db = openSqlite(file);
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // 0 OFF, 1 NORMAL, 2 FULL
    } finally {
      db.close();
    }
  });

  it('leaves the outbox file in WAL mode', () => {
    const file = join(dir, 'wal2.db');
    make({}, file).open();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('throws a typed error when the file cannot be created', () => {
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    const o = new Outbox(join(dir, 'blocker', 'outbox.db'), { maxRows: 10, maxAgeMs: HOUR, clock });
    expect(() => o.open()).toThrow(SqliteStoreError);
    try {
      o.open();
    } catch (e) {
      expect((e as SqliteStoreError).code).toBe('SQLITE_STORE');
    }
  });

  it('refuses to be used after close', () => {
    const o = make();
    o.close();
    expect(() => o.enqueue('t', 'x', { at: T0 })).toThrow(/closed/);
  });
});
