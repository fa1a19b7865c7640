import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { Random } from '../resilience/random.js';
import type { AlertStore } from './alert-store.js';
import { AlertDeliveryError, type AlertChannel } from './types.js';

/**
 * Retry delay after `failures` consecutive failures of a channel, "equal jitter"
 * (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015): half of
 * `min(maxMs, minMs * 2^(failures-1))` plus a random share of the other half. Never near zero, so
 * a dead receiver is not hammered; capped, so a long outage does not push the next try out for hours.
 * @param failures consecutive failures, ≥ 1
 * @returns ms in [ceiling/2, ceiling)
 */
export function retryDelayMs(failures: number, minMs: number, maxMs: number, random: Random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, failures - 1), 30));
  return Math.floor(ceiling / 2 + random.next() * (ceiling / 2));
}

interface ChannelState {
  channel: AlertChannel;
  /** The drain running now, or null. */
  running: Promise<void> | null;
  failures: number;
  retry: TimerHandle | null;
}

/**
 * Delivers the queued alerts of every channel, oldest first, one at a time per channel (so a
 * receiver sees them in order), channels independently. A delivery is marked delivered only once
 * the channel accepted it. While a channel fails, it waits an exponential, jittered delay
 * ({@link retryDelayMs}) on the injected clock, then retries from its oldest open delivery. An
 * alert a channel refuses for good (HTTP 4xx) is marked abandoned and logged so it does not block
 * the ones behind it. Everything runs in promises and clock timers, never in the control tick.
 */
export class Dispatcher {
  private readonly states: ChannelState[];
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly o: {
      store: AlertStore;
      channels: readonly AlertChannel[];
      clock: Clock;
      log: Logger;
      random: Random;
      retryMinMs: number;
      retryMaxMs: number;
    },
  ) {
    this.states = o.channels.map((channel) => ({ channel, running: null, failures: 0, retry: null }));
  }

  /** Starts delivering on every channel that is idle and not waiting out a retry delay. */
  kick(): void {
    if (this.stopped) return;
    for (const s of this.states) if (!s.running && !s.retry) this.run(s, false);
  }

  /** Resolves when no delivery is in flight (tests, `notify`). Retry timers may still be pending. */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.states.map((s) => s.running).filter((p): p is Promise<void> => p !== null);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /**
   * Stops: cancels the retry timers and makes one last attempt on every channel for what is still
   * queued (retry delays ignored; a drain already running goes on), for at most `budgetMs` of
   * clock time; then cancels what is in flight. A failure now ends the channel's attempt (no
   * retry). What is not delivered stays queued for the next start.
   */
  async stop(budgetMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of this.states) {
      s.retry?.cancel();
      s.retry = null;
      if (!s.running && budgetMs > 0) this.run(s, true);
    }
    const all = Promise.allSettled(this.states.map((s) => s.running ?? Promise.resolve()));
    let timer: TimerHandle | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = this.o.clock.setTimeout(resolve, budgetMs);
    });
    await Promise.race([all, expired]);
    timer?.cancel();
    this.abort.abort();
    await all;
  }

  private run(s: ChannelState, final: boolean): void {
    // `final`: the attempt at stop (a failure ends it instead of scheduling a retry).
    const p = this.drain(s, final).finally(() => {
      if (s.running === p) s.running = null;
    });
    s.running = p;
  }

  /** Sends the channel's open deliveries in order until the queue is empty or an attempt fails. */
  private async drain(s: ChannelState, final: boolean): Promise<void> {
    const { store, log, clock } = this.o;
    const ch = s.channel;
    for (;;) {
      if (this.abort.signal.aborted) return;
      let alertId: string | undefined;
      try {
        const [next] = store.pending(ch.name, 1);
        if (!next) return;
        alertId = next.alert.id;
        try {
          await ch.send(next.alert, this.abort.signal);
        } catch (e) {
          if (e instanceof AlertDeliveryError && e.permanent) {
            store.markFailed(next.seq, ch.name, describeError(e), clock.now());
            log.error({ channel: ch.name, target: ch.target, alert: alertId, kind: next.alert.kind, err: describeError(e) }, 'alert refused by the channel for good; dropped from its queue');
            continue;
          }
          store.markFailed(next.seq, ch.name, describeError(e));
          throw e;
        }
        store.markDelivered(next.seq, ch.name, clock.now());
        s.failures = 0;
        log.info({ channel: ch.name, target: ch.target, alert: alertId, kind: next.alert.kind }, 'alert delivered');
      } catch (e) {
        s.failures += 1;
        if (final || this.stopped) {
          log.warn({ channel: ch.name, target: ch.target, alert: alertId, err: describeError(e) }, 'alert not delivered before stop; it stays queued for the next start');
          return;
        }
        const delay = retryDelayMs(s.failures, this.o.retryMinMs, this.o.retryMaxMs, this.o.random);
        log.warn({ channel: ch.name, target: ch.target, alert: alertId, failures: s.failures, retryInS: Math.round(delay / 1000), err: describeError(e) }, 'alert delivery failed; retrying later');
        s.retry = clock.setTimeout(() => {
          s.retry = null;
          this.kick();
        }, delay);
        return;
      }
    }
  }
}
