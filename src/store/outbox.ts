import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Clock } from '../hal/clock.js';
import { SqliteStoreError, openSqlite } from './sqlite.js';

/** One queued MQTT message. `at`: wall ms of what it reports (kept in the payload too). */
export interface OutboxRow {
  /** Strictly increasing, never reused (AUTOINCREMENT), so a late `markSent` cannot hit a newer row. */
  id: number;
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  at: number;
}

/** Bounds of an {@link Outbox}. */
export interface OutboxOptions {
  /** Row cap; when exceeded the oldest rows are dropped and counted. */
  maxRows: number;
  /** Rows whose `at` is older than `clock.now() - maxAgeMs` are dropped and counted, ms. */
  maxAgeMs: number;
  clock: Clock;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  topic   TEXT    NOT NULL,
  payload TEXT    NOT NULL,
  qos     INTEGER NOT NULL,
  retain  INTEGER NOT NULL,
  at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_at ON outbox (at);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

interface Db {
  db: Database.Database;
  insert: Database.Statement<[string, string, number, number, number]>;
  pruneAge: Database.Statement<[number]>;
  pruneRows: Database.Statement<[number]>;
  peek: Database.Statement<[number, number]>;
  remove: Database.Statement<[number]>;
  getMeta: Database.Statement<[string]>;
  setMeta: Database.Statement<[string, string]>;
  maxId: Database.Statement<[]>;
  enqueueTx: (topic: string, payload: string | ((seq: number) => string), qos: number, retain: boolean, at: number) => number;
}

/**
 * Creates `file` owner-only (0600) before SQLite opens it, and tightens an existing one and its
 * `-wal`/`-shm` companions (SQLite gives those the database file's permissions): the outbox holds
 * the enclosure's history and the Home Assistant discovery index, nothing for other users.
 */
function ownerOnly(file: string): void {
  if (file === ':memory:') return;
  mkdirSync(dirname(file), { recursive: true });
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

/**
 * The durable MQTT outbox: readings and events wait here, in SQLite, until the broker
 * acknowledges them (PUBACK), so a broker outage or a restart loses nothing. Drained in `id`
 * order. Bounded by rows and age: the oldest rows go first and the loss is counted in `dropped()`,
 * which persists across restarts. Every call is synchronous and short (one small transaction).
 *
 * The database is opened by {@link open} or lazily on first use (the constructor only assigns);
 * call `open()` at start to surface a bad path early. Durability settings: see `openSqlite`.
 * A `meta` table keeps small key/value state next to the queue (the dropped counter, the Home
 * Assistant discovery index).
 */
export class Outbox {
  private handle: Db | null = null;
  private pendingCount = 0;
  private droppedCount = 0;
  private seqCount = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly opts: OutboxOptions,
  ) {}

  /** Opens the database (idempotent). @throws SqliteStoreError */
  open(): void {
    this.db();
  }

  /**
   * Appends a message. Drops rows beyond the age and row bounds in the same transaction.
   * `payload` may be a function of the row's sequence number: the controller's message counter,
   * +1 per stored row, kept in the same transaction (so it survives restarts and never repeats).
   * @returns the row id
   * @throws SqliteStoreError (disk full, I/O error, closed)
   */
  enqueue(topic: string, payload: string | ((seq: number) => string), opts: { retain?: boolean; qos?: 0 | 1 | 2; at: number }): number {
    const h = this.db();
    try {
      return h.enqueueTx(topic, payload, opts.qos ?? 1, opts.retain ?? false, opts.at);
    } catch (e) {
      this.resync(h);
      throw this.wrap('cannot enqueue', e);
    }
  }

  /** The `n` oldest unsent rows with `id > afterId`, in id order. */
  peek(n: number, afterId = 0): OutboxRow[] {
    const h = this.db();
    try {
      const rows = h.peek.all(afterId, Math.max(0, Math.floor(n))) as Array<Omit<OutboxRow, 'retain'> & { retain: number }>;
      return rows.map((r) => ({ ...r, retain: r.retain === 1 }));
    } catch (e) {
      throw this.wrap('cannot read', e);
    }
  }

  /** Removes a delivered row (on PUBACK). A row already dropped by the bounds is a no-op. */
  markSent(id: number): void {
    const h = this.db();
    try {
      this.pendingCount -= h.remove.run(id).changes;
    } catch (e) {
      throw this.wrap('cannot mark sent', e);
    }
  }

  /** Drops rows older than `maxAgeMs` now (also done on every enqueue). @returns rows dropped */
  prune(): number {
    const h = this.db();
    try {
      return h.db.transaction(() => this.pruneAgeLocked(h))();
    } catch (e) {
      this.resync(h);
      throw this.wrap('cannot prune', e);
    }
  }

  /** Rows waiting to be delivered. */
  pending(): number {
    this.db();
    return this.pendingCount;
  }

  /** The last sequence number given to a row (0 before the first; persists across restarts). */
  seq(): number {
    this.db();
    return this.seqCount;
  }

  /** The highest row id still waiting (0 when empty): rows up to it are the backlog at a (re)connect. */
  lastId(): number {
    const h = this.db();
    try {
      return (h.maxId.get() as { n: number | null }).n ?? 0;
    } catch (e) {
      throw this.wrap('cannot read', e);
    }
  }

  /** Rows dropped by the bounds since the database was created (persists across restarts). */
  dropped(): number {
    this.db();
    return this.droppedCount;
  }

  /** Small persistent key/value state beside the queue. */
  getMeta(key: string): string | undefined {
    const row = this.db().getMeta.get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    try {
      this.db().setMeta.run(key, value);
    } catch (e) {
      throw this.wrap('cannot write meta', e);
    }
  }

  /** Closes the database (checkpoints the WAL). Idempotent; later calls throw. */
  close(): void {
    this.closed = true;
    if (this.handle) {
      this.handle.db.close();
      this.handle = null;
    }
  }

  private db(): Db {
    if (this.handle) return this.handle;
    if (this.closed) throw new SqliteStoreError(this.file, 'outbox is closed');
    try {
      ownerOnly(this.file);
    } catch (e) {
      throw this.wrap('cannot create', e);
    }
    const db = openSqlite(this.file);
    try {
      db.exec(SCHEMA);
      const h: Db = {
        db,
        insert: db.prepare('INSERT INTO outbox (topic, payload, qos, retain, at) VALUES (?, ?, ?, ?, ?)'),
        pruneAge: db.prepare('DELETE FROM outbox WHERE at < ?'),
        pruneRows: db.prepare('DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)'),
        peek: db.prepare('SELECT id, topic, payload, qos, retain, at FROM outbox WHERE id > ? ORDER BY id LIMIT ?'),
        remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
        getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
        setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
        maxId: db.prepare('SELECT MAX(id) AS n FROM outbox'),
        enqueueTx: () => 0,
      };
      h.enqueueTx = db.transaction((topic: string, payload: string | ((seq: number) => string), qos: number, retain: boolean, at: number) => {
        const seq = this.seqCount + 1;
        const id = Number(h.insert.run(topic, typeof payload === 'string' ? payload : payload(seq), qos, retain ? 1 : 0, at).lastInsertRowid);
        h.setMeta.run('seq', String(seq));
        this.seqCount = seq;
        this.pendingCount += 1;
        this.pruneAgeLocked(h);
        const excess = this.pendingCount - this.opts.maxRows;
        if (excess > 0) this.countDropped(h, h.pruneRows.run(excess).changes);
        return id;
      });
      this.resync(h);
      this.handle = h;
      return h;
    } catch (e) {
      db.close();
      throw this.wrap('cannot initialise', e);
    }
  }

  /** Re-reads the counters from the file (at open, and after a rolled-back transaction). */
  private resync(h: Db): void {
    try {
      this.pendingCount = (h.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
      const d = h.getMeta.get('dropped') as { value: string } | undefined;
      this.droppedCount = d ? Number(d.value) : 0;
      const q = h.getMeta.get('seq') as { value: string } | undefined;
      this.seqCount = q ? Number(q.value) : 0;
    } catch (e) {
      throw this.wrap('cannot read counters', e);
    }
  }

  private pruneAgeLocked(h: Db): number {
    const n = h.pruneAge.run(this.opts.clock.now() - this.opts.maxAgeMs).changes;
    this.countDropped(h, n);
    return n;
  }

  private countDropped(h: Db, n: number): void {
    if (n <= 0) return;
    this.pendingCount -= n;
    this.droppedCount += n;
    h.setMeta.run('dropped', String(this.droppedCount));
  }

  private wrap(what: string, e: unknown): SqliteStoreError {
    if (e instanceof SqliteStoreError) return e;
    return new SqliteStoreError(this.file, `${what}: ${(e as { code?: string }).code ?? (e as Error).message}`, { cause: e });
  }
}
