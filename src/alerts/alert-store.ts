import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteStoreError, openSqlite } from '../store/sqlite.js';
import type { Alert, ChannelName } from './types.js';

/** One undelivered (alert, channel) pair, oldest first. */
export interface PendingDelivery {
  /** Row order of the alert (AUTOINCREMENT: never reused). */
  seq: number;
  channel: ChannelName;
  alert: Alert;
  /** Failed attempts so far (kept across restarts). */
  attempts: number;
}

/** Counts for status and tests. */
export interface AlertStoreCounts {
  pending: number;
  delivered: number;
  /** Refused for good by a channel (HTTP 4xx, SMTP 5yz for the message), kept for inspection. */
  abandoned: number;
  /** Dropped by the queue bound since the database was created. */
  dropped: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS alerts (
  seq  INTEGER PRIMARY KEY AUTOINCREMENT,
  id   TEXT    NOT NULL UNIQUE,
  body TEXT    NOT NULL,
  at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
  alert_seq    INTEGER NOT NULL REFERENCES alerts (seq) ON DELETE CASCADE,
  channel      TEXT    NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  delivered_at INTEGER,
  abandoned_at INTEGER,
  PRIMARY KEY (alert_seq, channel)
);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (channel, alert_seq) WHERE delivered_at IS NULL AND abandoned_at IS NULL;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Delivered or abandoned rows are kept this long for inspection, then pruned, ms (7 days). */
export const KEEP_DONE_MS = 7 * 24 * 3_600_000;

/**
 * The durable alert queue, `<stateDir>/alerts.db` (SQLite, WAL; see `openSqlite`): one row per
 * alert and one delivery row per (alert, channel). A delivery is marked delivered only after the
 * channel accepted it, so a crash or power cut before that means it is sent again at the next
 * start (receivers drop the duplicate by the alert id). Bounded: beyond `maxQueued` open
 * deliveries the oldest are dropped and counted. Every call is synchronous and short (one small
 * transaction) and runs off the control tick (from clock timers).
 */
export class AlertStore {
  private readonly db: Database.Database;

  /**
   * Opens or creates the database, owner-only (0600: alerts name the enclosures and their faults).
   * @throws SqliteStoreError
   */
  constructor(
    readonly file: string,
    private readonly maxQueued: number,
  ) {
    if (file !== ':memory:') {
      try {
        mkdirSync(dirname(file), { recursive: true });
        closeSync(openSync(file, 'a', 0o600));
        for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
      } catch (e) {
        throw new SqliteStoreError(file, `cannot create: ${(e as { code?: string }).code ?? (e as Error).message}`, { cause: e });
      }
    }
    this.db = openSqlite(file);
    try {
      this.db.pragma('foreign_keys = ON');
      this.db.exec(SCHEMA);
    } catch (e) {
      this.db.close();
      throw this.wrap('cannot initialise', e);
    }
  }

  /**
   * Queues `alert` for every channel in `channels`, in one transaction; drops the oldest open
   * deliveries beyond the bound. @returns deliveries dropped by the bound (0 usually)
   * @throws SqliteStoreError
   */
  add(alert: Alert, channels: readonly ChannelName[]): number {
    try {
      return this.db.transaction(() => {
        const seq = Number(this.db.prepare('INSERT INTO alerts (id, body, at) VALUES (?, ?, ?)').run(alert.id, JSON.stringify(alert), alert.at).lastInsertRowid);
        const ins = this.db.prepare('INSERT INTO deliveries (alert_seq, channel) VALUES (?, ?)');
        for (const ch of channels) ins.run(seq, ch);
        const open = (this.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL').get() as { n: number }).n;
        const excess = open - this.maxQueued;
        if (excess <= 0) return 0;
        const n = this.db
          .prepare('DELETE FROM deliveries WHERE rowid IN (SELECT rowid FROM deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL ORDER BY alert_seq LIMIT ?)')
          .run(excess).changes;
        this.setMeta('dropped', String(this.dropped() + n));
        this.db.prepare('DELETE FROM alerts WHERE seq NOT IN (SELECT alert_seq FROM deliveries)').run();
        return n;
      })();
    } catch (e) {
      throw this.wrap('cannot queue an alert', e);
    }
  }

  /** The oldest open deliveries of `channel`, at most `n`. @throws SqliteStoreError */
  pending(channel: ChannelName, n: number): PendingDelivery[] {
    try {
      const rows = this.db
        .prepare(
          'SELECT d.alert_seq AS seq, d.channel AS channel, d.attempts AS attempts, a.body AS body FROM deliveries d JOIN alerts a ON a.seq = d.alert_seq WHERE d.channel = ? AND d.delivered_at IS NULL AND d.abandoned_at IS NULL ORDER BY d.alert_seq LIMIT ?',
        )
        .all(channel, n) as Array<{ seq: number; channel: ChannelName; attempts: number; body: string }>;
      return rows.map((r) => ({ seq: r.seq, channel: r.channel, attempts: r.attempts, alert: JSON.parse(r.body) as Alert }));
    } catch (e) {
      throw this.wrap('cannot read the queue', e);
    }
  }

  /** Marks a delivery done after the channel accepted it (wall ms `at`). @throws SqliteStoreError */
  markDelivered(seq: number, channel: ChannelName, at: number): void {
    this.run('cannot mark delivered', 'UPDATE deliveries SET delivered_at = ? WHERE alert_seq = ? AND channel = ?', at, seq, channel);
  }

  /** Counts a failed attempt; `abandonAt` (wall ms) when the channel refused the alert for good. @throws SqliteStoreError */
  markFailed(seq: number, channel: ChannelName, error: string, abandonAt?: number): void {
    this.run('cannot record a failure', 'UPDATE deliveries SET attempts = attempts + 1, last_error = ?, abandoned_at = ? WHERE alert_seq = ? AND channel = ?', error.slice(0, 500), abandonAt ?? null, seq, channel);
  }

  /**
   * Drops open deliveries of channels no longer configured, and done rows older than
   * {@link KEEP_DONE_MS} before wall ms `now`. @returns open deliveries dropped @throws SqliteStoreError
   */
  prune(channels: readonly ChannelName[], now: number): number {
    try {
      return this.db.transaction(() => {
        const marks = channels.map(() => '?').join(', ');
        const gone = this.db.prepare(`DELETE FROM deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL${channels.length ? ` AND channel NOT IN (${marks})` : ''}`).run(...channels).changes;
        const cutoff = now - KEEP_DONE_MS;
        this.db.prepare('DELETE FROM deliveries WHERE (delivered_at IS NOT NULL AND delivered_at < ?) OR (abandoned_at IS NOT NULL AND abandoned_at < ?)').run(cutoff, cutoff);
        this.db.prepare('DELETE FROM alerts WHERE seq NOT IN (SELECT alert_seq FROM deliveries)').run();
        return gone;
      })();
    } catch (e) {
      throw this.wrap('cannot prune', e);
    }
  }

  /** Open, delivered, abandoned and dropped deliveries. @throws SqliteStoreError */
  counts(): AlertStoreCounts {
    try {
      const r = this.db
        .prepare(
          'SELECT SUM(delivered_at IS NULL AND abandoned_at IS NULL) AS pending, SUM(delivered_at IS NOT NULL) AS delivered, SUM(abandoned_at IS NOT NULL) AS abandoned FROM deliveries',
        )
        .get() as { pending: number | null; delivered: number | null; abandoned: number | null };
      return { pending: r.pending ?? 0, delivered: r.delivered ?? 0, abandoned: r.abandoned ?? 0, dropped: this.dropped() };
    } catch (e) {
      throw this.wrap('cannot count', e);
    }
  }

  /** Closes the database (checkpoints the WAL). */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private dropped(): number {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('dropped') as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private run(what: string, sql: string, ...params: unknown[]): void {
    try {
      this.db.prepare(sql).run(...params);
    } catch (e) {
      throw this.wrap(what, e);
    }
  }

  private wrap(what: string, e: unknown): SqliteStoreError {
    if (e instanceof SqliteStoreError) return e;
    return new SqliteStoreError(this.file, `${what}: ${(e as { code?: string }).code ?? (e as Error).message}`, { cause: e });
  }
}
