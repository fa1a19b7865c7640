import type { Logger } from 'pino';
import { describeError } from '../errors.js';
import type { Outbox } from '../store/outbox.js';
import type { MqttLink } from './connection.js';

/** Rows handed to MQTT.js and not yet acknowledged, at most. Bounds memory and the burst after an outage. */
export const DRAIN_WINDOW = 16;

/**
 * Marks a stored JSON payload as replayed backlog: `{"replayed":true,...}`. Anything else is
 * returned unchanged.
 */
export function markReplayed(payload: string): string {
  return payload.startsWith('{') && payload.length > 2 ? `{"replayed":true,${payload.slice(1)}` : payload;
}

/**
 * Drains the outbox in `id` order while the link is up: publishes up to {@link DRAIN_WINDOW} rows
 * with their stored QoS (1) and marks each sent on its PUBACK. When the link drops, rows in flight
 * stay in the outbox and the next connection starts again from the oldest unsent row, so nothing
 * is lost and order is kept; a row whose PUBACK was lost with the connection is delivered twice
 * (at-least-once; consumers dedupe on `topic` + `at`).
 */
export class OutboxDrainer {
  private inFlight = new Set<number>();
  private lastSubmitted = 0;
  private generation = 0;
  private scheduled = false;
  private failure: string | undefined;
  private waiters: Array<() => void> = [];
  /** Rows up to this id were stored before the current connection: sent as replayed backlog. */
  private backlogUpTo = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly link: MqttLink,
    private readonly log: Logger,
  ) {}

  /** Forget in-flight rows (connection lost or new): the next pump restarts from the oldest unsent row. */
  reset(): void {
    this.generation++;
    this.inFlight.clear();
    this.lastSubmitted = 0;
    this.settle();
  }

  /**
   * At a connect: every row already waiting is backlog (stored while the broker was away, or by an
   * earlier run) and is published with `"replayed": true`; rows stored from now on are live.
   */
  markBacklog(): void {
    try {
      this.backlogUpTo = this.outbox.lastId();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Resolves when the outbox is empty and nothing is in flight, or the link is down (for a bounded flush at stop). */
  whenDrained(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.settle();
    });
  }

  /** Schedules a pump after the current synchronous work (a tick) finishes; cheap to call often. */
  kick(): void {
    if (this.scheduled || !this.link.isConnected()) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Rows in flight now. */
  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** The last outbox error, if reading it failed (reported in status). */
  lastFailure(): string | undefined {
    return this.failure;
  }

  /** Publishes rows until the window is full or the outbox is empty. */
  pump(): void {
    const gen = this.generation;
    while (this.link.isConnected() && this.inFlight.size < DRAIN_WINDOW) {
      let rows;
      try {
        rows = this.outbox.peek(DRAIN_WINDOW - this.inFlight.size, this.lastSubmitted);
      } catch (e) {
        this.fail(e);
        return;
      }
      if (rows.length === 0) return;
      for (const row of rows) {
        this.lastSubmitted = row.id;
        this.inFlight.add(row.id);
        const payload = row.id <= this.backlogUpTo ? markReplayed(row.payload) : row.payload;
        const sent = this.link.publish(row.topic, payload, { qos: row.qos, retain: row.retain }, (err) => this.acked(gen, row.id, err));
        if (!sent) {
          this.inFlight.delete(row.id);
          return;
        }
      }
    }
  }

  private acked(gen: number, id: number, err: Error | undefined): void {
    if (err) {
      // The connection dropped before PUBACK: the row stays and is resent after reconnect.
      this.log.debug({ id, err: describeError(err) }, 'outbox row not acknowledged');
      return;
    }
    try {
      this.outbox.markSent(id);
    } catch (e) {
      this.fail(e);
    }
    if (gen !== this.generation) return;
    this.inFlight.delete(id);
    this.pump();
    this.settle();
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    let empty: boolean;
    try {
      empty = this.outbox.pending() === 0;
    } catch (e) {
      this.fail(e);
      empty = true;
    }
    if (!this.link.isConnected() || (this.inFlight.size === 0 && empty)) for (const w of this.waiters.splice(0)) w();
  }

  private fail(e: unknown): void {
    this.failure = describeError(e);
    this.log.error({ err: this.failure }, 'outbox failure');
  }
}
