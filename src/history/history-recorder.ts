import type { Logger } from 'pino';
import { CLOCK_PLAUSIBLE_AFTER } from '../app/clock-floor.js';
import type { ControllerObserver } from '../app/controller.js';
import type { TickOutcome } from '../app/enclosure-runtime.js';
import type { HistoryRetention } from '../config/history-schema.js';
import { detectClockJump, isClockPlausible } from '../control/clock-plausibility.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { ControlEvent, EnclosureMode } from '../control/types.js';
import { describeError } from '../errors.js';
import type { Clock, TimerHandle } from '../hal/clock.js';
import type { RecoveryEvent } from '../supervisor/supervisor.js';
import { chooseResolution, MINUTE_MS, publicPoint, type HistoryOp, type StoredPoint } from './history-store.js';
import type { HistoryEvent, HistoryPoint, HistoryReader } from './types.js';

/** A wall step larger than this between two ticks (beyond monotonic progress) is a clock step, ms (as the clock watch: slewing NTP and scheduling jitter stay below). */
export const CLOCK_STEP_TOLERANCE_MS = 2000;
/** Ops waiting for the store at most (a store failing for hours cannot grow memory without bound); the oldest are dropped. */
export const MAX_PENDING_OPS = 20_000;
/** Events kept per enclosure per minute at most (a fault flapping every tick cannot flood the file). */
export const MAX_EVENTS_PER_MINUTE = 30;

/** What the recorder needs of the store (the real one is {@link HistoryStore}; tests inject a spy). */
export interface HistorySink {
  /**
   * Writes one batch. A synchronous store throws when it fails; a store that writes in the
   * background returns a promise that rejects when it fails. Either way the recorder keeps the
   * batch for the next flush.
   */
  apply(ops: readonly HistoryOp[], now: number, retention: HistoryRetention, enclosureIds: readonly string[]): void | Promise<void>;
  points(enclosureId: string, fromMs: number, toMs: number, resolution: '1m' | '15m'): StoredPoint[];
  events(enclosureId: string, fromMs: number, toMs: number, limit: number): HistoryEvent[];
  /** Closes the store; a store that writes in the background resolves once what it was sent is written. */
  close(): void | Promise<void>;
  /** A store that writes in the background: resolves once every batch sent so far is applied (or failed). */
  settled?(): Promise<void>;
}

export interface HistoryRecorderOptions {
  store: HistorySink;
  clock: Clock;
  log: Logger;
  retention: HistoryRetention;
  /** The configured enclosures (pruned per enclosure on every flush). */
  enclosureIds: readonly string[];
  /** Control tick period, ms: the last tick's state is held at most 3 ticks (min 5 s) when ticks stop coming. */
  tickMs: number;
  /** Flush period, ms (default 60 000). */
  flushMs?: number;
}

/** What one tick said, held until the next tick (sample and hold). */
interface Sample {
  wall: number;
  mono: number;
  tempC: number | null;
  humPct: number | null;
  outputs: Record<string, boolean>;
  setpointC: number;
  mode: EnclosureMode;
  phase: string;
}

/** The open 1-minute bucket of one enclosure. */
interface Bucket {
  t: number;
  coveredMs: number;
  tempSum: number;
  tempMs: number;
  humSum: number;
  humMs: number;
  minC: number | null;
  maxC: number | null;
  onMs: Record<string, number>;
  setpointC: number | null;
  mode: EnclosureMode;
  phase: string;
}

interface EnclosureTrack {
  last: Sample | null;
  bucket: Bucket | null;
  mode: EnclosureMode | null;
  /** Minute (wall ms) and number of the events queued in it, for {@link MAX_EVENTS_PER_MINUTE}. */
  eventMinute: number;
  eventCount: number;
}

const bucketStart = (wall: number): number => Math.floor(wall / MINUTE_MS) * MINUTE_MS;

function valid(r: EnclosureSnapshot['temperature']): number | null {
  return r && r.quality === 'ok' && r.value !== null && Number.isFinite(r.value) ? r.value : null;
}

/** A control event as a history event type, its wall ms and one keeper-readable line. */
export function describeControlEvent(ev: ControlEvent): { type: string; t: number; text: string } {
  switch (ev.type) {
    case 'fault':
      return { type: 'fault', t: ev.fault.at, text: `${ev.fault.kind} (${ev.fault.component})${ev.fault.latched ? ', latched' : ''}: ${ev.fault.message}` };
    case 'fault-cleared':
      return { type: 'fault-cleared', t: ev.at, text: `${ev.kind} (${ev.component}) cleared` };
    case 'feed':
      return { type: 'feed', t: ev.at, text: `fed (${ev.actuatorId}, ${ev.reason})` };
    case 'feed-skipped':
      return { type: 'feed-skipped', t: ev.at, text: `feed skipped (${ev.actuatorId}): ${ev.reason}` };
    case 'phase':
      return { type: 'phase', t: ev.at, text: `phase: ${ev.phase}` };
    case 'notice':
      return { type: 'notice', t: ev.at, text: ev.message };
  }
}

/**
 * Local history recorder: a {@link ControllerObserver} that follows the controller and keeps
 * 1-minute points and events per enclosure (15-minute points are made from those by the store).
 *
 * `onTick` only adds the tick to in-memory sums: each tick's state (temperature, humidity, every
 * output on/off, setpoint, mode, phase) is held until the next tick and weighted by the monotonic
 * time between them (at most 3 ticks, min 5 s, when ticks stop coming), split at minute
 * boundaries of the wall clock. Closed minutes and events queue in memory; a {@link Clock} timer
 * writes them every `flushMs` in one transaction (never inside `onTick`). No points or events are
 * recorded while the wall clock is implausible. A wall step beyond {@link CLOCK_STEP_TOLERANCE_MS}
 * closes the open minute, counts nothing across the step and records a `clock` event; after a step
 * back, what lies at or after the new minute is forgotten (queued and stored alike).
 *
 * Implements {@link HistoryReader} over the store (what is flushed).
 */
export class HistoryRecorder implements ControllerObserver, HistoryReader {
  private readonly tracks = new Map<string, EnclosureTrack>();
  private queue: HistoryOp[] = [];
  private timer: TimerHandle | null = null;
  private stopped = false;
  private droppedOps = 0;
  private droppedEvents = 0;
  private readonly holdMs: number;
  private readonly flushMs: number;

  constructor(private readonly o: HistoryRecorderOptions) {
    this.holdMs = Math.max(5000, 3 * o.tickMs);
    this.flushMs = o.flushMs ?? 60_000;
  }

  /** Starts the flush timer. */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.flush();
      this.schedule();
    }, this.flushMs);
  }

  /** Adds a tick to the in-memory sums and queues its events. Cheap, no I/O. */
  onTick(outcomes: readonly TickOutcome[]): void {
    if (this.stopped) return;
    const mono = this.o.clock.monotonic();
    for (const oc of outcomes) this.tick(oc, mono);
  }

  /** Queues a supervisor recovery step as an event of its enclosure (controller-wide ones: of every enclosure). */
  onRecovery(ev: RecoveryEvent): void {
    if (this.stopped) return;
    if (ev.outcome === 'pending' && (ev.strategy === 'retry' || ev.strategy === 'fallback')) return;
    const t = ev.endedAt ?? ev.startedAt;
    const text = `recovery of ${ev.component} (${ev.fault}): ${ev.strategy}, ${ev.outcome}`;
    for (const id of ev.enclosureId === null ? this.o.enclosureIds : [ev.enclosureId]) this.event({ t, enclosureId: id, type: 'recovery', text });
  }

  private track(id: string): EnclosureTrack {
    let tr = this.tracks.get(id);
    if (!tr) {
      tr = { last: null, bucket: null, mode: null, eventMinute: 0, eventCount: 0 };
      this.tracks.set(id, tr);
    }
    return tr;
  }

  private tick(oc: TickOutcome, mono: number): void {
    const s = oc.snapshot;
    const id = s.enclosureId;
    const tr = this.track(id);
    const now = s.at;
    if (!isClockPlausible(now, CLOCK_PLAUSIBLE_AFTER)) {
      this.closeBucket(id, tr);
      tr.last = null;
      return;
    }
    if (tr.last) {
      const jump = detectClockJump(tr.last.wall, tr.last.mono, now, mono, CLOCK_STEP_TOLERANCE_MS);
      if (jump.kind === 'none') this.hold(id, tr, tr.last, tr.last.wall + Math.min(Math.max(0, mono - tr.last.mono), this.holdMs));
      else this.clockStep(id, tr, now, jump.deltaMs);
    }
    for (const ev of oc.events) this.event({ ...describeControlEvent(ev), enclosureId: id });
    if (tr.mode !== null && tr.mode !== s.mode) this.event({ t: now, enclosureId: id, type: 'mode', text: `mode ${tr.mode} -> ${s.mode}` });
    tr.mode = s.mode;
    const outputs: Record<string, boolean> = {};
    for (const [aid, a] of Object.entries(s.actuators)) outputs[aid] = a.on;
    tr.last = { wall: now, mono, tempC: valid(s.temperature), humPct: valid(s.humidity), outputs, setpointC: s.setpointC, mode: s.mode, phase: s.phase };
  }

  /** Adds `sample` held from its wall time to `until` (wall ms), split at minute boundaries. */
  private hold(id: string, tr: EnclosureTrack, sample: Sample, until: number): void {
    let from = sample.wall;
    while (from < until) {
      const t = bucketStart(from);
      const to = Math.min(until, t + MINUTE_MS);
      const b = this.bucketAt(id, tr, t, sample);
      const dt = to - from;
      b.coveredMs += dt;
      if (sample.tempC !== null) {
        b.tempSum += sample.tempC * dt;
        b.tempMs += dt;
        b.minC = b.minC === null ? sample.tempC : Math.min(b.minC, sample.tempC);
        b.maxC = b.maxC === null ? sample.tempC : Math.max(b.maxC, sample.tempC);
      }
      if (sample.humPct !== null) {
        b.humSum += sample.humPct * dt;
        b.humMs += dt;
      }
      for (const [aid, on] of Object.entries(sample.outputs)) b.onMs[aid] = (b.onMs[aid] ?? 0) + (on ? dt : 0);
      b.setpointC = sample.setpointC;
      b.mode = sample.mode;
      b.phase = sample.phase;
      if (to === t + MINUTE_MS) this.closeBucket(id, tr);
      from = to;
    }
  }

  /** The open bucket starting at `t`; an open bucket of another minute is closed first. */
  private bucketAt(id: string, tr: EnclosureTrack, t: number, sample: Sample): Bucket {
    if (tr.bucket && tr.bucket.t !== t) this.closeBucket(id, tr);
    if (!tr.bucket) tr.bucket = { t, coveredMs: 0, tempSum: 0, tempMs: 0, humSum: 0, humMs: 0, minC: null, maxC: null, onMs: {}, setpointC: null, mode: sample.mode, phase: sample.phase };
    return tr.bucket;
  }

  /** Queues the open bucket of an enclosure as a 1-minute point (when it covered any time). */
  private closeBucket(id: string, tr: EnclosureTrack): void {
    const b = tr.bucket;
    tr.bucket = null;
    if (!b || b.coveredMs <= 0) return;
    const outputs: Record<string, number> = {};
    for (const [aid, ms] of Object.entries(b.onMs)) outputs[aid] = ms / b.coveredMs;
    const point: StoredPoint = {
      t: b.t,
      temperatureC: b.tempMs > 0 ? b.tempSum / b.tempMs : null,
      minC: b.minC,
      maxC: b.maxC,
      humidityPct: b.humMs > 0 ? b.humSum / b.humMs : null,
      setpointC: b.setpointC,
      outputs,
      mode: b.mode,
      phase: b.phase,
      coveredMs: b.coveredMs,
      tempMs: b.tempMs,
      humMs: b.humMs,
    };
    this.push({ kind: 'minute', enclosureId: id, point });
  }

  /** A wall step between two ticks: close the minute, count nothing across, forget the future after a step back. */
  private clockStep(id: string, tr: EnclosureTrack, now: number, deltaMs: number): void {
    this.closeBucket(id, tr);
    if (deltaMs < 0) {
      const from = bucketStart(now);
      this.queue = this.queue.filter((op) => !(op.kind === 'minute' ? op.enclosureId === id && op.point.t >= from : op.kind === 'event' ? op.event.enclosureId === id && op.event.t >= from : false));
      this.push({ kind: 'forget', enclosureId: id, fromMs: from });
    }
    const s = Math.round(deltaMs / 1000);
    this.event({ t: now, enclosureId: id, type: 'clock', text: `wall clock stepped ${s >= 0 ? '+' : ''}${s} s` });
  }

  private event(ev: HistoryEvent): void {
    if (!isClockPlausible(ev.t, CLOCK_PLAUSIBLE_AFTER)) return;
    const tr = this.track(ev.enclosureId);
    const minute = bucketStart(ev.t);
    if (tr.eventMinute !== minute) {
      tr.eventMinute = minute;
      tr.eventCount = 0;
    }
    if (tr.eventCount >= MAX_EVENTS_PER_MINUTE) {
      this.droppedEvents++;
      return;
    }
    tr.eventCount++;
    this.push({ kind: 'event', event: ev });
  }

  private push(op: HistoryOp): void {
    this.queue.push(op);
    if (this.queue.length > MAX_PENDING_OPS) {
      const drop = this.queue.length - MAX_PENDING_OPS;
      this.queue.splice(0, drop);
      this.droppedOps += drop;
    }
  }

  /**
   * Writes what is queued (closed minutes, events) in one transaction and prunes the rings.
   * A failed write is logged and kept for the next flush (bounded by {@link MAX_PENDING_OPS}).
   * Never throws.
   */
  flush(): void {
    if (this.droppedOps || this.droppedEvents) {
      this.o.log.warn({ droppedOps: this.droppedOps, droppedEvents: this.droppedEvents }, 'history: entries dropped (store failing for long, or an event flood)');
      this.droppedOps = 0;
      this.droppedEvents = 0;
    }
    const ops = this.queue;
    this.queue = [];
    const keep = (e: unknown): void => {
      this.o.log.error({ err: describeError(e), pending: ops.length }, 'history: writing failed; retrying at the next flush');
      this.queue = [...ops, ...this.queue];
      if (this.queue.length > MAX_PENDING_OPS) {
        this.droppedOps += this.queue.length - MAX_PENDING_OPS;
        this.queue.splice(0, this.queue.length - MAX_PENDING_OPS);
      }
    };
    try {
      void this.o.store.apply(ops, this.o.clock.now(), this.o.retention, this.o.enclosureIds)?.catch(keep);
    } catch (e) {
      keep(e);
    }
  }

  /**
   * Stops: the timer; the open minute of every enclosure (its last tick held up to now) is queued,
   * everything queued is written and the store closed (resolved once it is). Call after the
   * controller stopped. Never rejects.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.timer?.cancel();
    const mono = this.o.clock.monotonic();
    for (const [id, tr] of this.tracks) {
      if (tr.last) this.hold(id, tr, tr.last, tr.last.wall + Math.min(Math.max(0, mono - tr.last.mono), this.holdMs));
      tr.last = null;
      this.closeBucket(id, tr);
    }
    this.flush();
    try {
      await this.o.store.close();
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'history: closing the database failed');
    }
  }

  /** {@inheritDoc HistoryReader.settled} */
  async settled(): Promise<void> {
    await this.o.store.settled?.();
  }

  /** {@inheritDoc HistoryReader.points} Reads what was flushed; a read error is logged and gives `[]`. */
  points(enclosureId: string, fromMs: number, toMs: number): HistoryPoint[] {
    if (!this.o.enclosureIds.includes(enclosureId) || this.stopped) return [];
    try {
      return this.o.store.points(enclosureId, fromMs, toMs, chooseResolution(fromMs, toMs, this.o.clock.now(), this.o.retention.minuteMs)).map(publicPoint);
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'history: reading points failed');
      return [];
    }
  }

  /** {@inheritDoc HistoryReader.events} Reads what was flushed; a read error is logged and gives `[]`. */
  events(enclosureId: string, fromMs: number, toMs: number, limit = 200): HistoryEvent[] {
    if (!this.o.enclosureIds.includes(enclosureId) || this.stopped) return [];
    try {
      return this.o.store.events(enclosureId, fromMs, toMs, limit);
    } catch (e) {
      this.o.log.error({ err: describeError(e) }, 'history: reading events failed');
      return [];
    }
  }
}
