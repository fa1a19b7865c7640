import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import { SystemClock } from '../hal/system-clock.js';
import { HistoryStore } from './history-store.js';
import type { WriterReply, WriterRequest } from './history-writer.js';

/**
 * The history writer thread (started by `ThreadedHistorySink`): opens its own connection to the
 * history database and applies each batch it is sent in one transaction, answering `done` with
 * the outcome. Its log lines go to the main thread, which logs them. Ends when sent `close`.
 */
const port = parentPort;
if (!port) throw new Error('history-worker runs only as a worker thread');
const post = (m: WriterReply): void => port.postMessage(m);
const forward = (level: 'error' | 'warn' | 'info') => (obj: object, msg?: string) => post({ type: 'log', level, obj, msg: msg ?? '' });
const log = { error: forward('error'), warn: forward('warn'), info: forward('info') } as unknown as Logger;

const { file } = workerData as { file: string };
let store: HistoryStore | undefined;
try {
  store = HistoryStore.open(file, { log, clock: new SystemClock() });
  post({ type: 'ready', threadId });
} catch (e) {
  post({ type: 'failed', error: describeError(e) });
}

port.on('message', (m: WriterRequest) => {
  if (m.type === 'close') {
    try {
      store?.close();
    } finally {
      port.close();
    }
    return;
  }
  if (!store) return post({ type: 'done', id: m.id, ok: false, error: 'history database not open' });
  try {
    store.apply(m.ops, m.now, m.retention, m.enclosureIds);
    post({ type: 'done', id: m.id, ok: true });
  } catch (e) {
    post({ type: 'done', id: m.id, ok: false, error: describeError(e) });
  }
});
