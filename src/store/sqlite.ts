import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { TerrariumError } from '../errors.js';

/** A SQLite store (outbox, history) cannot be opened, read or written. */
export class SqliteStoreError extends TerrariumError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('SQLITE_STORE', `${file}: ${message}`, options);
  }
}

/**
 * Opens (creating it and its directory if needed) a SQLite database tuned for an SD card:
 *
 * - `journal_mode = WAL`: a commit appends to the write-ahead log instead of rewriting pages in
 *   place, and a crash or power cut never corrupts the database (sqlite.org/wal.html).
 * - `synchronous = NORMAL`: in WAL mode SQLite then fsyncs only at checkpoints, not at every
 *   commit. The database stays consistent after a power cut; at worst the last commits since the
 *   previous checkpoint roll back (a few readings). `FULL` would fsync every enqueue, and on an SD
 *   card each fsync costs a flash erase-block write (wear) and a 10-100 ms stall of the
 *   synchronous better-sqlite3 call, i.e. of the control tick (sqlite.org/pragma.html#pragma_synchronous).
 * - `journal_size_limit = 4 MiB`: the WAL file is truncated back after checkpoints so it cannot
 *   grow without bound on a small card (sqlite.org/pragma.html#pragma_journal_size_limit).
 * - `busy_timeout = 2000` ms: a second process (e.g. `terrarium status`) reading the file waits
 *   briefly instead of failing.
 *
 * @param file path of the database file (`:memory:` for an in-memory database)
 * @throws SqliteStoreError when the file cannot be opened or the pragmas cannot be applied
 */
export function openSqlite(file: string): Database.Database {
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('journal_size_limit = 4194304');
    db.pragma('busy_timeout = 2000');
    return db;
  } catch (e) {
    throw new SqliteStoreError(file, `cannot open: ${(e as { code?: string }).code ?? (e as Error).message}`, { cause: e });
  }
}
