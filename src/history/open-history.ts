import type { Logger } from 'pino';
import type { Config } from '../config/load.js';
import { historyFile, historyRetention } from '../config/history-schema.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { HistoryRecorder } from './history-recorder.js';
import { HistoryStore } from './history-store.js';
import { ThreadedHistorySink } from './history-writer.js';

/**
 * Opens the history database of `config.history` (moving a corrupt one aside), drops rows beyond
 * the retentions of every enclosure in it, and starts a recorder on it whose writes run in a
 * worker thread ({@link ThreadedHistorySink}; its flush timer runs from here; pass it to the
 * controller as an observer and await `stop()` after the controller stopped).
 * Loaded by dynamic `import()` only when `history.enabled`.
 * @returns the recorder, or `undefined` when the database cannot be opened at all (logged at
 *   error level: control goes on without history)
 */
export function openHistory(config: Config, clock: Clock, log: Logger): HistoryRecorder | undefined {
  const h = config.history;
  if (!h?.enabled) return undefined;
  const file = historyFile(config);
  const retention = historyRetention(h);
  const hlog = log.child({ component: 'history' });
  let store: HistoryStore;
  try {
    store = HistoryStore.open(file, { log: hlog, clock });
    store.pruneAll(clock.now(), retention);
  } catch (e) {
    hlog.error({ err: describeError(e), file }, 'history unavailable: control goes on without local history');
    return undefined;
  }
  // Writes go to a worker thread with a connection of its own; this one serves reads.
  const sink = new ThreadedHistorySink(store, file, hlog);
  const recorder = new HistoryRecorder({ store: sink, clock, log: hlog, retention, enclosureIds: config.enclosures.map((e) => e.id), tickMs: config.controller.tickMs });
  recorder.start();
  hlog.info({ file }, 'recording local history');
  return recorder;
}
