import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import type { HistoryRetention } from '../config/history-schema.js';
import type { EnclosureMode } from '../control/types.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { SqliteStoreError, openSqlite } from '../store/sqlite.js';
import type { HistoryEvent, HistoryPoint } from './types.js';

/** One minute, ms. */
export const MINUTE_MS = 60_000;
/** One quarter hour, ms. */
export const QUARTER_MS = 15 * MINUTE_MS;
/** Events kept per enclosure at most, whatever `eventDays` says (a flapping fault cannot fill the card). */
export const MAX_EVENTS_PER_ENCLOSURE = 100_000;

/**
 * A 1-minute (or 15-minute) point as stored: the public point plus the weights the means were
 * taken over, so 15-minute points can be made from 1-minute ones by weighting each minute with
 * the time it covered.
 */
export interface StoredPoint extends HistoryPoint {
  /** Tick time the point covers, ms (at most the bucket length). */
  coveredMs: number;
  /** Part of `coveredMs` with a valid control temperature, ms. */
  tempMs: number;
  /** Part of `coveredMs` with a valid humidity, ms. */
  humMs: number;
}

/** One write of the recorder, applied in order inside one transaction. */
export type HistoryOp =
  | { kind: 'minute'; enclosureId: string; point: StoredPoint }
  | { kind: 'event'; event: HistoryEvent }
  /** Deletes this enclosure's points and events at or after `fromMs` (the wall clock stepped back behind them). */
  | { kind: 'forget'; enclosureId: string; fromMs: number };

/** Resolution of a points query. */
export type Resolution = '1m' | '15m';

/** One ring of points (both resolutions have the same columns). */
const pointsTable = (name: string): string => `
CREATE TABLE IF NOT EXISTS ${name} (
  enclosure TEXT NOT NULL, t INTEGER NOT NULL,
  temp_c REAL, min_c REAL, max_c REAL, hum_pct REAL, setpoint_c REAL,
  outputs TEXT NOT NULL, mode TEXT NOT NULL, phase TEXT NOT NULL,
  covered_ms INTEGER NOT NULL, temp_ms INTEGER NOT NULL, hum_ms INTEGER NOT NULL,
  PRIMARY KEY (enclosure, t)
) WITHOUT ROWID;`;

const SCHEMA = `${pointsTable('points_1m')}${pointsTable('points_15m')}
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  enclosure TEXT NOT NULL, t INTEGER NOT NULL, type TEXT NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_enclosure_t ON events (enclosure, t);
`;

interface PointRow {
  t: number;
  temp_c: number | null;
  min_c: number | null;
  max_c: number | null;
  hum_pct: number | null;
  setpoint_c: number | null;
  outputs: string;
  mode: string;
  phase: string;
  covered_ms: number;
  temp_ms: number;
  hum_ms: number;
}

const COLS = 'enclosure, t, temp_c, min_c, max_c, hum_pct, setpoint_c, outputs, mode, phase, covered_ms, temp_ms, hum_ms';

function toRow(enclosureId: string, p: StoredPoint): unknown[] {
  return [enclosureId, p.t, p.temperatureC, p.minC, p.maxC, p.humidityPct, p.setpointC, JSON.stringify(p.outputs), p.mode, p.phase, Math.round(p.coveredMs), Math.round(p.tempMs), Math.round(p.humMs)];
}

function fromRow(r: PointRow): StoredPoint {
  return {
    t: r.t,
    temperatureC: r.temp_c,
    minC: r.min_c,
    maxC: r.max_c,
    humidityPct: r.hum_pct,
    setpointC: r.setpoint_c,
    outputs: JSON.parse(r.outputs) as Record<string, number>,
    mode: r.mode as EnclosureMode,
    phase: r.phase,
    coveredMs: r.covered_ms,
    tempMs: r.temp_ms,
    humMs: r.hum_ms,
  };
}

/**
 * One point over consecutive points (1-minute points into a 15-minute one): means weighted by the
 * time each covered (temperature by `tempMs`, humidity by `humMs`, output fractions by
 * `coveredMs`), min of mins, max of maxes; setpoint, mode and phase of the last point.
 * @param t start of the aggregate bucket, wall ms
 * @param points at least one, oldest first
 */
export function aggregatePoints(t: number, points: readonly StoredPoint[]): StoredPoint {
  let covered = 0;
  let tempMs = 0;
  let humMs = 0;
  let tempSum = 0;
  let humSum = 0;
  let minC: number | null = null;
  let maxC: number | null = null;
  const on: Record<string, number> = {};
  for (const p of points) {
    covered += p.coveredMs;
    if (p.temperatureC !== null && p.tempMs > 0) {
      tempSum += p.temperatureC * p.tempMs;
      tempMs += p.tempMs;
    }
    if (p.humidityPct !== null && p.humMs > 0) {
      humSum += p.humidityPct * p.humMs;
      humMs += p.humMs;
    }
    if (p.minC !== null) minC = minC === null ? p.minC : Math.min(minC, p.minC);
    if (p.maxC !== null) maxC = maxC === null ? p.maxC : Math.max(maxC, p.maxC);
    for (const [id, f] of Object.entries(p.outputs)) on[id] = (on[id] ?? 0) + f * p.coveredMs;
  }
  const outputs: Record<string, number> = {};
  for (const [id, ms] of Object.entries(on)) outputs[id] = covered > 0 ? ms / covered : 0;
  const last = points[points.length - 1];
  return {
    t,
    temperatureC: tempMs > 0 ? tempSum / tempMs : null,
    minC,
    maxC,
    humidityPct: humMs > 0 ? humSum / humMs : null,
    setpointC: last.setpointC,
    outputs,
    mode: last.mode,
    phase: last.phase,
    coveredMs: covered,
    tempMs,
    humMs,
  };
}

/** Error codes SQLite gives for a file that is not a (sound) database. */
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_VTAB']);

/** True when `e` (or its cause) says the database file is corrupt or not a database. */
export function isCorruption(e: unknown): boolean {
  for (let cur: unknown = e; cur; cur = (cur as { cause?: unknown }).cause) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && CORRUPT_CODES.has(code)) return true;
    if (cur instanceof SqliteStoreError && /integrity check failed/.test(cur.message)) return true;
  }
  return false;
}

/** Options of {@link HistoryStore.open}. */
export interface HistoryStoreOptions {
  log: Logger;
  /** For the name of a corrupt file moved aside (`<file>.corrupt-<wall ms>`). */
  clock: Clock;
}

/**
 * The history database: 1-minute points (`points_1m`), 15-minute points (`points_15m`) and
 * events (`events`), each keyed or indexed by (enclosure, t); wall ms.
 *
 * Durability: WAL journal and `synchronous = FULL`. The recorder commits one transaction per
 * flush (once a minute), so FULL costs one fsync of the WAL per minute: little wear on an SD
 * card, and in exchange every committed flush survives a power cut (with NORMAL the last commits
 * before the previous checkpoint could roll back). A transaction cut short by a power cut or a
 * kill is rolled back by SQLite at the next open; the file stays consistent
 * (sqlite.org/wal.html, sqlite.org/pragma.html#pragma_synchronous).
 *
 * A file that is not a database or fails `PRAGMA quick_check` at open is moved aside
 * (`<file>.corrupt-<wall ms>`, kept as evidence, logged at error level) and a fresh one started:
 * history trouble never stops the controller. Every call is synchronous: the controller writes
 * through its own connection in a worker thread (`ThreadedHistorySink`), never on the control loop.
 */
export class HistoryStore {
  private closed = false;

  private constructor(
    readonly file: string,
    private db: Database.Database,
    readonly readOnly: boolean,
    private readonly o: HistoryStoreOptions | undefined,
  ) {}

  /**
   * Opens (creating if needed) the database for writing; moves a corrupt file aside first.
   * @throws SqliteStoreError when even a fresh file cannot be opened (directory not writable, disk full)
   */
  static open(file: string, o: HistoryStoreOptions): HistoryStore {
    try {
      return new HistoryStore(file, HistoryStore.openWritable(file), false, o);
    } catch (e) {
      if (!isCorruption(e)) throw e instanceof SqliteStoreError ? e : new SqliteStoreError(file, `cannot open: ${describeError(e)}`, { cause: e });
      const aside = HistoryStore.moveAside(file, o.clock.now());
      o.log.error({ err: describeError(e), file, movedTo: aside }, 'history database unreadable (corrupt): moved aside, starting a new one');
      return new HistoryStore(file, HistoryStore.openWritable(file), false, o);
    }
  }

  /**
   * Opens an existing database read-only (`terrarium history`), beside a running controller.
   * @throws SqliteStoreError with `code` `SQLITE_STORE` when the file is missing or unreadable
   */
  static openReadOnly(file: string): HistoryStore {
    if (!existsSync(file)) throw new SqliteStoreError(file, 'no history database yet (the controller writes it once it runs with a `history` section)');
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 2000');
      db.prepare('SELECT 1 FROM points_1m LIMIT 1').get();
      return new HistoryStore(file, db, true, undefined);
    } catch (e) {
      throw new SqliteStoreError(file, `cannot read the history database: ${describeError(e)}`, { cause: e });
    }
  }

  private static openWritable(file: string): Database.Database {
    const db = openSqlite(file);
    try {
      db.pragma('synchronous = FULL');
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new SqliteStoreError(file, `integrity check failed: ${String(check)}`);
      db.exec(SCHEMA);
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** Renames `file` and its `-wal`/`-shm` companions to `<file>.corrupt-<at>`; returns the new name of the main file. */
  private static moveAside(file: string, at: number): string {
    const aside = `${file}.corrupt-${at}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    return aside;
  }

  /**
   * Applies the recorder's ops in order, recomputes the 15-minute points of every quarter they
   * touched from the 1-minute points, and drops rows beyond the retentions (per enclosure of
   * `enclosureIds`, by the (enclosure, t) key; events also beyond {@link MAX_EVENTS_PER_ENCLOSURE}),
   * all in one transaction. A corrupt database found here is moved aside, a new one started, and
   * the ops written to it.
   * @param now wall ms the retentions count back from
   * @throws SqliteStoreError (disk full, I/O error, closed)
   */
  apply(ops: readonly HistoryOp[], now: number, retention: HistoryRetention, enclosureIds: readonly string[]): void {
    try {
      this.applyTx(ops, now, retention, enclosureIds);
    } catch (e) {
      if (!isCorruption(e) || !this.o || this.readOnly) throw this.wrap('cannot write', e);
      this.db.close();
      const aside = HistoryStore.moveAside(this.file, this.o.clock.now());
      this.o.log.error({ err: describeError(e), file: this.file, movedTo: aside }, 'history database corrupt while writing: moved aside, starting a new one');
      this.db = HistoryStore.openWritable(this.file);
      try {
        this.applyTx(ops, now, retention, enclosureIds);
      } catch (e2) {
        throw this.wrap('cannot write', e2);
      }
    }
  }

  private applyTx(ops: readonly HistoryOp[], now: number, retention: HistoryRetention, enclosureIds: readonly string[]): void {
    const db = this.live();
    const upsert1m = db.prepare(`INSERT OR REPLACE INTO points_1m (${COLS}) VALUES (${COLS.split(',').map(() => '?').join(', ')})`);
    const upsert15m = db.prepare(`INSERT OR REPLACE INTO points_15m (${COLS}) VALUES (${COLS.split(',').map(() => '?').join(', ')})`);
    const insertEvent = db.prepare('INSERT INTO events (enclosure, t, type, text) VALUES (?, ?, ?, ?)');
    const minutesOf = db.prepare(`SELECT ${COLS} FROM points_1m WHERE enclosure = ? AND t >= ? AND t < ? ORDER BY t`);
    const del1m = db.prepare('DELETE FROM points_1m WHERE enclosure = ? AND t >= ?');
    const del15m = db.prepare('DELETE FROM points_15m WHERE enclosure = ? AND t >= ?');
    const delEv = db.prepare('DELETE FROM events WHERE enclosure = ? AND t >= ?');
    db.transaction(() => {
      const touched = new Map<string, { enclosureId: string; q: number }>();
      const touch = (enclosureId: string, t: number): void => {
        const q = Math.floor(t / QUARTER_MS) * QUARTER_MS;
        touched.set(`${enclosureId}\u0000${q}`, { enclosureId, q });
      };
      for (const op of ops) {
        if (op.kind === 'minute') {
          upsert1m.run(...toRow(op.enclosureId, op.point));
          touch(op.enclosureId, op.point.t);
        } else if (op.kind === 'event') {
          insertEvent.run(op.event.enclosureId, Math.round(op.event.t), op.event.type, op.event.text);
        } else {
          del1m.run(op.enclosureId, op.fromMs);
          del15m.run(op.enclosureId, Math.floor(op.fromMs / QUARTER_MS) * QUARTER_MS);
          delEv.run(op.enclosureId, op.fromMs);
          touch(op.enclosureId, op.fromMs);
        }
      }
      for (const { enclosureId, q } of touched.values()) {
        const minutes = (minutesOf.all(enclosureId, q, q + QUARTER_MS) as PointRow[]).map(fromRow);
        if (minutes.length) upsert15m.run(...toRow(enclosureId, aggregatePoints(q, minutes)));
      }
      this.pruneLocked(db, now, retention, enclosureIds);
    })();
  }

  private pruneLocked(db: Database.Database, now: number, r: HistoryRetention, enclosureIds: readonly string[]): void {
    const p1 = db.prepare('DELETE FROM points_1m WHERE enclosure = ? AND t < ?');
    const p15 = db.prepare('DELETE FROM points_15m WHERE enclosure = ? AND t < ?');
    const pe = db.prepare('DELETE FROM events WHERE enclosure = ? AND t < ?');
    const capT = db.prepare('SELECT t FROM events WHERE enclosure = ? ORDER BY t DESC LIMIT 1 OFFSET ?');
    for (const id of enclosureIds) {
      p1.run(id, now - r.minuteMs);
      p15.run(id, now - r.quarterHourMs);
      pe.run(id, now - r.eventMs);
      const cap = capT.get(id, MAX_EVENTS_PER_ENCLOSURE) as { t: number } | undefined;
      if (cap) pe.run(id, cap.t + 1);
    }
  }

  /**
   * Drops rows beyond the retentions for every enclosure in the file, also ones no longer
   * configured (a full scan; run once at start, not every flush).
   * @throws SqliteStoreError
   */
  pruneAll(now: number, r: HistoryRetention): void {
    try {
      const db = this.live();
      db.transaction(() => {
        db.prepare('DELETE FROM points_1m WHERE t < ?').run(now - r.minuteMs);
        db.prepare('DELETE FROM points_15m WHERE t < ?').run(now - r.quarterHourMs);
        db.prepare('DELETE FROM events WHERE t < ?').run(now - r.eventMs);
      })();
    } catch (e) {
      throw this.wrap('cannot prune', e);
    }
  }

  /**
   * Points of one enclosure with `fromMs <= t < toMs` at a resolution, oldest first, with their weights.
   * @throws SqliteStoreError
   */
  points(enclosureId: string, fromMs: number, toMs: number, resolution: Resolution): StoredPoint[] {
    try {
      const table = resolution === '1m' ? 'points_1m' : 'points_15m';
      const rows = this.live().prepare(`SELECT ${COLS} FROM ${table} WHERE enclosure = ? AND t >= ? AND t < ? ORDER BY t`).all(enclosureId, fromMs, toMs) as PointRow[];
      return rows.map(fromRow);
    } catch (e) {
      throw this.wrap('cannot read points', e);
    }
  }

  /**
   * Events of one enclosure with `fromMs <= t < toMs`, newest first, at most `limit`.
   * @throws SqliteStoreError
   */
  events(enclosureId: string, fromMs: number, toMs: number, limit: number): HistoryEvent[] {
    try {
      const rows = this.live()
        .prepare('SELECT enclosure, t, type, text FROM events WHERE enclosure = ? AND t >= ? AND t < ? ORDER BY t DESC, id DESC LIMIT ?')
        .all(enclosureId, fromMs, toMs, Math.max(0, Math.floor(limit))) as Array<{ enclosure: string; t: number; type: string; text: string }>;
      return rows.map((r) => ({ t: r.t, enclosureId: r.enclosure, type: r.type, text: r.text }));
    } catch (e) {
      throw this.wrap('cannot read events', e);
    }
  }

  /** Row counts per table (docs, tests, `terrarium history` diagnostics). */
  counts(): { minute: number; quarterHour: number; events: number } {
    const db = this.live();
    const n = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { minute: n('points_1m'), quarterHour: n('points_15m'), events: n('events') };
  }

  /** Closes the database (checkpoints the WAL). Idempotent; later calls throw. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private live(): Database.Database {
    if (this.closed) throw new SqliteStoreError(this.file, 'history database is closed');
    return this.db;
  }

  private wrap(what: string, e: unknown): SqliteStoreError {
    return e instanceof SqliteStoreError ? e : new SqliteStoreError(this.file, `${what}: ${(e as { code?: string }).code ?? describeError(e)}`, { cause: e });
  }
}

/**
 * Which ring answers a points query (the {@link HistoryReader} rule): 1-minute points when the
 * range starts within the 1-minute retention and spans at most 2 days, else 15-minute points.
 * @param now wall ms; `minuteRetentionMs` from the config
 */
export function chooseResolution(fromMs: number, toMs: number, now: number, minuteRetentionMs: number): Resolution {
  return fromMs >= now - minuteRetentionMs && toMs - fromMs <= 2 * 86_400_000 ? '1m' : '15m';
}

/** A stored point without its weights (what readers hand out). */
export function publicPoint(p: StoredPoint): HistoryPoint {
  const { coveredMs: _c, tempMs: _t, humMs: _h, ...rest } = p;
  return rest;
}
