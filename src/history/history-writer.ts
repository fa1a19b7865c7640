import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { HistoryRetention } from '../config/history-schema.js';
import type { HistoryEvent } from './types.js';
import { TerrariumError } from '../errors.js';
import type { HistorySink } from './history-recorder.js';
import type { HistoryOp, HistoryStore, Resolution, StoredPoint } from './history-store.js';

/** The writer thread could not write a batch (disk full, database locked or damaged); `message` says why. */
export class HistoryWriteError extends TerrariumError {
  constructor(message: string) {
    super('HISTORY_WRITE', message);
  }
}

/** A message to the writer thread. */
export type WriterRequest = { type: 'apply'; id: number; ops: HistoryOp[]; now: number; retention: HistoryRetention; enclosureIds: readonly string[] } | { type: 'close' };

/** A message from the writer thread. */
export type WriterReply =
  | { type: 'ready'; threadId: number }
  | { type: 'failed'; error: string }
  | { type: 'done'; id: number; ok: boolean; error?: string }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; obj: object; msg: string };

/**
 * Starts the writer thread: `history-worker.js` beside this file when built; from source (tests)
 * the `.ts` module, loaded through tsx's loader registered in the new thread (a worker's
 * `execArgv` cannot take `--import`).
 */
function startWriter(workerData: { file: string }): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./history-worker.js', here), { workerData });
  const entry = new URL('./history-worker.ts', here).href;
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData });
}

/**
 * The recorder's store with its writes in a worker thread: SQLite's transaction and its fsync
 * (one per flush, `synchronous = FULL`; tens of ms on an SD card) never hold up the event loop
 * that runs the control tick. Reads (dashboard charts) use `reader`, the main thread's own
 * connection (WAL lets it read while the writer writes), on demand.
 *
 * A batch the writer could not apply rejects its `apply` promise: the recorder keeps it for its
 * next flush, bounded as its queue is. If the thread cannot open the database or dies, that is
 * logged once and history stops being written; control never notices.
 */
export class ThreadedHistorySink implements HistorySink {
  private readonly worker: Worker;
  private nextId = 1;
  /** Batches sent and not yet answered: how to settle each one's promise. */
  private readonly inflight = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private dead = false;
  private readonly exited: Promise<void>;
  private readonly started: Promise<number | null>;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly reader: HistoryStore,
    file: string,
    private readonly log: Logger,
  ) {
    this.worker = startWriter({ file });
    let ready: (id: number | null) => void = () => undefined;
    this.started = new Promise((resolve) => (ready = resolve));
    this.worker.on('message', (m: WriterReply) => {
      if (m.type === 'ready') ready(m.threadId);
      else if (m.type === 'failed') {
        this.dead = true;
        ready(null);
        log.error({ err: m.error }, 'history: the writer thread cannot open the database; history is not written');
      } else if (m.type === 'log') log[m.level](m.obj, m.msg);
      else this.onDone(m);
    });
    this.worker.on('error', (e) => {
      this.dead = true;
      ready(null);
      this.wake();
      log.error({ err: e.message }, 'history: the writer thread failed; history is not written any more');
    });
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.dead = true;
        this.wake();
        resolve();
      }),
    );
  }

  /** The writer thread's id once it opened the database (`null` when it could not). */
  writerThread(): Promise<number | null> {
    return this.started;
  }

  /**
   * Sends the batch to the writer thread and returns at once; the promise settles when the thread
   * answers: it rejects ({@link HistoryWriteError}) when the batch could not be written, so the
   * recorder keeps it for its next flush. Once the thread is gone, batches are dropped (resolved).
   */
  apply(ops: readonly HistoryOp[], now: number, retention: HistoryRetention, enclosureIds: readonly string[]): Promise<void> {
    if (this.dead) return Promise.resolve();
    const id = this.nextId++;
    const msg: WriterRequest = { type: 'apply', id, ops: [...ops], now, retention, enclosureIds };
    return new Promise((resolve, reject) => {
      this.inflight.set(id, { resolve, reject });
      this.worker.postMessage(msg);
    });
  }

  private onDone(m: Extract<WriterReply, { type: 'done' }>): void {
    const pending = this.inflight.get(m.id);
    this.inflight.delete(m.id);
    if (m.ok) pending?.resolve();
    else pending?.reject(new HistoryWriteError(m.error ?? 'unknown error'));
    this.wake();
  }

  private wake(): void {
    if (this.dead) for (const p of this.inflight.values()) p.resolve();
    if (this.dead) this.inflight.clear();
    if (this.inflight.size > 0) return;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once every batch sent so far was applied or failed (at once when none is in flight or the thread is gone). */
  settled(): Promise<void> {
    if (this.inflight.size === 0 || this.dead) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  points(enclosureId: string, fromMs: number, toMs: number, resolution: Resolution): StoredPoint[] {
    return this.reader.points(enclosureId, fromMs, toMs, resolution);
  }

  events(enclosureId: string, fromMs: number, toMs: number, limit: number): HistoryEvent[] {
    return this.reader.events(enclosureId, fromMs, toMs, limit);
  }

  /** Lets the writer finish every batch sent so far, closes its connection and the reader's. */
  async close(): Promise<void> {
    const close: WriterRequest = { type: 'close' };
    this.worker.postMessage(close);
    await this.exited;
    this.reader.close();
  }
}
