import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ControllerObserver } from '../app/controller.js';
import { parsePersistedState } from '../app/enclosure-state.js';
import type { TickOutcome } from '../app/enclosure-runtime.js';
import { ConfigError } from '../config/errors.js';
import type { Config } from '../config/load.js';
import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import type { Random } from '../resilience/random.js';
import { readDurable } from '../store/durable-file.js';
import type { ProcessRecord } from '../supervisor/process-record.js';
import { AlertStore, type AlertStoreCounts } from './alert-store.js';
import { buildChannels } from './channels.js';
import { Dispatcher } from './dispatcher.js';
import { RateLimiter } from './rate-limit.js';
import { faultAlerts, HealthWatch, startAlert } from './rules.js';
import type { Alert, AlertChannel, AlertDraft } from './types.js';

/** Alerts held in memory between a tick and the next queue write; beyond it new ones are dropped and logged. */
const INBOX_LIMIT = 1000;

/** What an {@link Alerter} is built from. */
export interface AlerterOptions {
  /** A config with `alerts` set. */
  config: Config;
  clock: Clock;
  log: Logger;
  /** Jitter of the retry delays. */
  random: Random;
  /** The channels (default: built from `config.alerts`); tests inject failing ones. */
  channels?: readonly AlertChannel[];
  /** Alert ids (default: random UUIDs). */
  newId?: () => string;
  /** The queue file (default `<stateDir>/alerts.db`). */
  file?: string;
}

/**
 * Tells the keeper, through the configured channels (webhook, ntfy, e-mail), what needs a person:
 * latched faults and safety violations (from each tick's events), components that fail or come
 * back (health compared every `healthPollSeconds`), and each controller start (clean or not).
 *
 * Off the control path: {@link observer}'s `onTick` only looks at the tick's events and appends to
 * an in-memory inbox; a clock timer moves the inbox into the SQLite queue ({@link AlertStore}) and
 * the {@link Dispatcher} delivers from there with retries. Rate limited per enclosure and kind
 * ({@link RateLimiter}).
 *
 * Lifecycle: `start()` before the controller starts (it reads the previous process record from
 * `state.json`, which the controller's start overwrites), `stop()` after the controller stopped.
 */
export class Alerter {
  /** Pass it in `ControllerOptions.observers`. */
  readonly observer: ControllerObserver;
  private readonly channels: readonly AlertChannel[];
  private store: AlertStore | undefined;
  private dispatcher: Dispatcher | undefined;
  private readonly limiter: RateLimiter;
  private readonly watch = new HealthWatch();
  private inbox: Alert[] = [];
  private inboxDropped = 0;
  private flushTimer: TimerHandle | null = null;
  private pollTimer: TimerHandle | null = null;
  private lastOutcomes: readonly TickOutcome[] = [];
  private healthSource: (() => ComponentHealth[]) | undefined;
  private readonly names: Map<string, string>;
  private stopped = false;

  /** @throws ConfigError when `config.alerts` is absent */
  constructor(private readonly o: AlerterOptions) {
    const a = o.config.alerts;
    if (!a) throw new ConfigError(o.config.file, [{ path: 'alerts', message: 'no alerts configured' }]);
    this.channels = o.channels ?? buildChannels(o.config, o.clock);
    this.limiter = new RateLimiter(a.minIntervalSeconds * 1000, o.clock, (d, folded) => this.accept(d, folded));
    this.names = new Map(o.config.enclosures.map((e) => [e.id, e.name ?? e.id]));
    this.observer = {
      onTick: (outcomes) => {
        this.lastOutcomes = outcomes;
        for (const d of faultAlerts(outcomes)) this.limiter.offer(d);
      },
    };
  }

  /**
   * Opens the queue, raises the start alert (from the previous process record), starts the
   * health poll and delivers what an earlier run left queued.
   * @throws SqliteStoreError when the queue cannot be opened
   */
  start(): void {
    const { config, clock, log } = this.o;
    const a = config.alerts!;
    const store = new AlertStore(this.o.file ?? join(config.controller.stateDir, 'alerts.db'), a.maxQueued);
    this.store = store;
    const dropped = store.prune(
      this.channels.map((c) => c.name),
      clock.now(),
    );
    if (dropped > 0) log.warn({ dropped }, 'queued alerts of channels no longer configured were dropped');
    this.dispatcher = new Dispatcher({ store, channels: this.channels, clock, log, random: this.o.random, retryMinMs: a.retry.minSeconds * 1000, retryMaxMs: a.retry.maxSeconds * 1000 });
    const queued = store.counts().pending;
    log.info({ channels: this.channels.map((c) => `${c.name} ${c.target}`), queued }, 'alerts on');
    this.raise(startAlert(this.previousProcess(), clock.now()), { limit: false });
    this.schedulePoll();
    this.flush();
  }

  /** Compares component health with this source's (default: the enclosures' health in the last tick). */
  watchHealth(source: () => ComponentHealth[]): void {
    this.healthSource = source;
  }

  /** Raises an alert (rate limited unless `limit: false`); queued by the next clock turn. Cheap. */
  raise(d: AlertDraft, o: { limit?: boolean } = {}): void {
    if (this.stopped) return;
    if (o.limit === false) this.accept(d, 0);
    else this.limiter.offer(d);
  }

  /** Resolves when the inbox is empty and no delivery is in flight (tests, `notify`). */
  async idle(): Promise<void> {
    if (this.inbox.length) this.flush();
    await this.dispatcher?.idle();
  }

  /** Deliveries open, delivered, abandoned and dropped (undefined before start). */
  counts(): AlertStoreCounts | undefined {
    return this.store?.counts();
  }

  /**
   * Stops: held-back repeats and the inbox go into the queue, then one last delivery attempt of
   * at most `flushOnStopSeconds`; the rest stays queued for the next start.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.limiter.flush();
    this.stopped = true;
    this.pollTimer?.cancel();
    this.flushTimer?.cancel();
    this.flushTimer = null;
    this.moveInbox();
    await this.dispatcher?.stop(this.o.config.alerts!.flushOnStopSeconds * 1000);
    for (const c of this.channels) c.close?.();
    this.store?.close();
  }

  /** An alert passed the rate limit: into the in-memory inbox, written on the next clock turn. */
  private accept(d: AlertDraft, folded: number): void {
    if (this.inbox.length >= INBOX_LIMIT) {
      this.inboxDropped += 1;
      return;
    }
    const { config } = this.o;
    this.inbox.push({ ...d, id: this.o.newId?.() ?? randomUUID(), controllerId: config.controller.id, controllerName: config.controller.name, folded });
    if (!this.flushTimer && !this.stopped) this.flushTimer = this.o.clock.setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.flushTimer = null;
    this.moveInbox();
    this.dispatcher?.kick();
  }

  /** Inbox → SQLite queue, one delivery per channel. */
  private moveInbox(): void {
    const store = this.store;
    if (!store) return;
    const { log } = this.o;
    if (this.inboxDropped > 0) {
      log.error({ dropped: this.inboxDropped }, 'alerts dropped: too many at once for the in-memory inbox');
      this.inboxDropped = 0;
    }
    const batch = this.inbox;
    this.inbox = [];
    const names = this.channels.map((c) => c.name);
    for (const a of batch) {
      try {
        const dropped = store.add(a, names);
        log.warn({ alert: a.id, kind: a.kind, enclosure: a.enclosureId, component: a.component, folded: a.folded }, `alert: ${a.title}`);
        if (dropped > 0) log.error({ dropped }, 'alert queue full: the oldest undelivered alerts were dropped');
      } catch (e) {
        log.error({ alert: a.id, kind: a.kind, err: describeError(e) }, `alert could not be queued: ${a.title}`);
      }
    }
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = this.o.clock.setTimeout(() => {
      this.poll();
      this.schedulePoll();
    }, this.o.config.alerts!.healthPollSeconds * 1000);
  }

  private poll(): void {
    let list: ComponentHealth[];
    try {
      list = this.healthSource ? this.healthSource() : this.lastOutcomes.flatMap((o) => o.snapshot.health);
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'alerts: reading component health failed');
      return;
    }
    for (const d of this.watch.diff(list, this.o.clock.now(), this.names)) this.raise(d);
  }

  /** The process record the previous run left in `state.json`; `undefined` if none, `null` if unreadable. */
  private previousProcess(): ProcessRecord | undefined | null {
    const file = join(this.o.config.controller.stateDir, 'state.json');
    try {
      return readDurable(file, (text) => parsePersistedState(JSON.parse(text) as unknown))?.process;
    } catch (e) {
      this.o.log.warn({ err: describeError(e) }, 'alerts: previous process record unreadable');
      return null;
    }
  }
}
