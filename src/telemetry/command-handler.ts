import type { Logger } from 'pino';
import type { Config, EnclosureConfig } from '../config/load.js';
import { COMMAND_KINDS, type CommandKind, DEFAULT_OVERRIDE_MINUTES } from '../config/mqtt-schema.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { type Command, type ParsedCommand, commandIdOf, parseCommand } from './commands.js';
import { iso } from './payloads.js';
import { RejectionLog } from './rejection-log.js';
import type { CommandResult, CommandSink } from './sink.js';

/** Commands waiting for the next tick, at most. A flood beyond this is refused, counted and answered. */
export const COMMAND_QUEUE_SIZE = 32;
/** Commands whose final outcome is awaited (feeds, switched outputs), at most; beyond, the first answer is final. */
export const PENDING_OUTCOMES = 64;
/** How long a final outcome is awaited before it is reported unknown, ms (a manual feed request lives 10 min). */
export const OUTCOME_TIMEOUT_MS = 15 * 60_000;

/**
 * One result document, as published on `<base>/<enclosureId>/result` and handed to a local
 * submitter's `reply`: `ref` is the controller's number for the message, `id` the sender's
 * correlation id, `final: false` only on a first `accepted` answer whose outcome comes later.
 */
export interface CommandResultDoc {
  ref: number;
  id?: string;
  command: string;
  ok: boolean;
  final: boolean;
  outcome: string;
  detail?: string;
  reason?: string;
  enclosureId: string;
  /** ISO 8601 wall time of the answer. */
  at: string;
}

/** How one command message arrived (MQTT or a local front end such as the dashboard). */
export interface Arrival {
  /** The PUBLISH's retain flag (MQTT); retained commands are refused. */
  retain?: boolean;
  /** Command kinds this front end accepts (default: the handler's `allowed`). */
  allowed?: ReadonlySet<CommandKind>;
  /** The config key `allowed` comes from, named in the refusal (default `mqtt.allowedCommands`). */
  allowedKey?: string;
  /** Gets every result of this message (first and final), beside the published one. */
  reply?: (result: CommandResultDoc) => void;
}

/** Dependencies of a {@link CommandHandler}. */
export interface CommandHandlerDeps {
  enclosures: ReadonlyMap<string, EnclosureConfig>;
  /** Duration of a plain-number setpoint override, minutes. */
  defaultOverrideMinutes: number;
  /** Command kinds accepted (`mqtt.allowedCommands`); the rest are answered "disabled". */
  allowed: ReadonlySet<CommandKind>;
  sink: CommandSink;
  clock: Clock;
  log: Logger;
  /**
   * Publishes a result document on `<base>/<enclosureId>/result` (QoS 1 normally, 0 for flood
   * refusals). `enclosureId` is the topic's enclosure level as received (may be unknown or empty).
   * Called for every result, whatever front end the command came from.
   */
  respond: (enclosureId: string, result: CommandResultDoc, qos: 0 | 1) => void;
  queueSize?: number;
}

/**
 * The last result of an enclosure, for the state document and Home Assistant's "Last command"
 * sensor: the result document's identity and outcome, its one line of text (`detail` or
 * `reason`) and the wall ms it was given.
 */
export type LastResult = Pick<CommandResultDoc, 'ref' | 'id' | 'command' | 'ok' | 'final' | 'outcome'> & {
  text: string;
  at: number;
};

interface Queued {
  ref: number;
  command: Command;
}

interface Pending {
  ref: number;
  command: Command;
  settle: () => CommandResult | null;
  since: number;
  drainedAt: number;
}

/** Result topic name of a command: `mode`, `setpoint`, `setpoint/clear`, `output/<id>`, `feed`, `acknowledge`. */
function commandName(c: Command): string {
  switch (c.kind) {
    case 'clear-setpoint':
      return 'setpoint/clear';
    case 'output':
      return `output/${c.actuatorId}`;
    default:
      return c.kind;
  }
}

/** The `allowedCommands` kind of a topic path (`setpoint/clear` is `setpoint`); `null` for an unknown one. */
export function kindOfPath(path: readonly string[]): CommandKind | null {
  const k = path[0];
  return k === 'mode' || k === 'setpoint' || k === 'output' || k === 'feed' || k === 'acknowledge' ? k : null;
}

/**
 * The one command path of the controller, whatever the front end (MQTT, the local dashboard):
 * validates each message as it arrives (on the event loop), keeps the valid ones in a bounded
 * FIFO, and runs them through the {@link CommandSink} only when the control loop calls
 * {@link drain}. Every front end gets the same validation, bounds, queue and results.
 *
 * Every message under the command filter gets exactly one final result (`final: true`) on
 * `<base>/<enclosure>/result`, whatever its topic shape (no command path, empty enclosure level,
 * deep or unknown paths), payload, retain flag or arrival rate. Results carry `ref`, the
 * controller's number for the message, and the sender's `id` when it gave one. When the outcome
 * comes after the control loop acted (a feed, a switched output), a first result `final: false,
 * outcome: "accepted"` is followed by the final one with the same `ref` and `id`.
 *
 * Retained commands are refused (the retain flag of the PUBLISH as delivered: MQTT 5 subscriptions
 * keep it with "retain as published"). Rejections are logged at most once per
 * {@link RejectionLog} interval with a count, so a flood cannot fill the SD card.
 */
export class CommandHandler {
  private queue: Queued[] = [];
  private pending: Pending[] = [];
  private droppedCount = 0;
  private overflowing = false;
  private refs = 0;
  private drains = 0;
  private readonly counts = { received: 0, rejected: 0, applied: 0, refused: 0 };
  private readonly last = new Map<string, LastResult>();
  private readonly rejections: RejectionLog;
  private readonly done: RejectionLog;
  /** Local submitters' reply callbacks by `ref`, until their final result. */
  private readonly replies = new Map<number, (result: CommandResultDoc) => void>();

  constructor(private readonly deps: CommandHandlerDeps) {
    this.rejections = new RejectionLog(deps.clock, deps.log);
    this.done = new RejectionLog(deps.clock, deps.log, 'info', 'mqtt command done');
  }

  /**
   * Handles one command message for `enclosureId` with the command `path` (the topic levels after
   * `cmd/`, e.g. `['output', 'heater']`) and its raw `payload` (formats: `parseCommand`). Never
   * throws; every message gets exactly one final result through `respond` and `arrival.reply`.
   */
  receive(enclosureId: string, path: readonly string[], payload: Buffer, arrival: Arrival = {}): void {
    const where = { enclosureId, path: [...path] };
    const ref = ++this.refs;
    if (arrival.reply) this.replies.set(ref, arrival.reply);
    this.counts.received++;
    const name = where.path.join('/');
    const reject = (reason: string): void => {
      const id = commandIdOf(payload);
      this.reject(ref, { ok: false, enclosureId: where.enclosureId, command: name, ...(id !== undefined ? { id } : {}), reason }, 1);
    };
    if (where.path.length === 0) return reject('no command: publish to <base>/<enclosure>/cmd/<command>');
    const kind = kindOfPath(where.path);
    const allowed = arrival.allowed ?? this.deps.allowed;
    if (kind !== null && !allowed.has(kind)) return reject(`command "${kind}" is disabled on this controller (${arrival.allowedKey ?? 'mqtt.allowedCommands'}: ${[...allowed].join(', ') || 'none'})`);
    if (arrival.retain) return reject('retained command ignored: publish commands with retain=false');
    const parsed = parseCommand(where.enclosureId, where.path, payload, this.deps.enclosures, this.deps.defaultOverrideMinutes);
    if (!parsed.ok) return this.reject(ref, parsed, 1);
    const size = this.deps.queueSize ?? COMMAND_QUEUE_SIZE;
    if (this.queue.length >= size) {
      this.droppedCount++;
      if (!this.overflowing) this.deps.log.warn({ queued: this.queue.length }, 'mqtt command queue full: refusing commands');
      this.overflowing = true;
      const c = parsed.command;
      this.counts.rejected++;
      this.rejections.record(c.enclosureId, commandName(c), `command queue full (${size} waiting)`);
      this.publish(ref, c.enclosureId, c.id, commandName(c), { ok: false, reason: `command queue full (${size} waiting)` }, true, 1);
      return;
    }
    this.queue.push({ ref, command: parsed.command });
  }

  /**
   * A command from a local front end (the dashboard): {@link receive} with the front end's own
   * allowed kinds (`http.allowedCommands`), its results handed to `reply` (and published on the
   * broker like any other). Never throws.
   */
  submit(enclosureId: string, path: readonly string[], payload: Buffer, allowed: ReadonlySet<CommandKind>, reply: (result: CommandResultDoc) => void): void {
    this.receive(enclosureId, path, payload, { allowed, allowedKey: 'http.allowedCommands', reply });
  }

  /**
   * First reports the final outcome of earlier commands that the last tick settled, then runs up
   * to `max` queued commands through the sink, in arrival order, and publishes each result.
   * @returns how many commands ran
   */
  drain(max: number): number {
    this.drains++;
    this.settlePending();
    let n = 0;
    while (n < max && this.queue.length > 0) {
      const { ref, command: c } = this.queue.shift() as Queued;
      n++;
      let result: CommandResult;
      try {
        result = this.run(c);
      } catch (e) {
        this.deps.log.error({ command: commandName(c), enclosureId: c.enclosureId, err: describeError(e) }, 'command sink threw');
        result = { ok: false, reason: `internal error: ${describeError(e)}` };
      }
      const later = result.ok ? result.settle : undefined;
      if (later && this.pending.length < PENDING_OUTCOMES) {
        this.pending.push({ ref, command: c, settle: later, since: this.deps.clock.monotonic(), drainedAt: this.drains });
        this.publish(ref, c.enclosureId, c.id, commandName(c), { ...result, outcome: result.outcome ?? 'accepted' }, false, 1);
      } else {
        this.publish(ref, c.enclosureId, c.id, commandName(c), result, true, 1);
      }
    }
    if (this.queue.length === 0) this.overflowing = false;
    this.rejections.flush();
    this.done.flush();
    return n;
  }

  /**
   * Answers every command still waiting (queued or awaiting its outcome) with a final result,
   * e.g. at shutdown, so none is left without one.
   */
  finish(reason: string): void {
    for (const { ref, command: c } of this.queue.splice(0)) this.publish(ref, c.enclosureId, c.id, commandName(c), { ok: false, reason, outcome: 'not-run' }, true, 1);
    for (const p of this.pending.splice(0)) {
      const r = this.trySettle(p);
      this.publish(p.ref, p.command.enclosureId, p.command.id, commandName(p.command), r ?? { ok: false, reason: `${reason}: outcome unknown`, outcome: 'unknown' }, true, 1);
    }
  }

  /** Commands refused because the queue was full, since start. */
  dropped(): number {
    return this.droppedCount;
  }

  /** Commands waiting for the next drain. */
  queued(): number {
    return this.queue.length;
  }

  /**
   * Counters since start: messages `received` under the command filter, `rejected` before reaching
   * the controller (invalid, retained, disabled, queue full), final results `applied` (ok) and
   * `refused` by the controller, commands `queued` and `awaiting` their outcome, `dropped` (queue full).
   */
  stats(): { received: number; rejected: number; applied: number; refused: number; queued: number; awaiting: number; dropped: number } {
    return { ...this.counts, queued: this.queue.length, awaiting: this.pending.length, dropped: this.droppedCount };
  }

  /** The last result published for `enclosureId` (as in its topic), if any. */
  lastResult(enclosureId: string): LastResult | undefined {
    return this.last.get(enclosureId);
  }

  private settlePending(): void {
    if (this.pending.length === 0) return;
    const now = this.deps.clock.monotonic();
    const keep: Pending[] = [];
    for (const p of this.pending) {
      // The tick that acts on a command runs after the drain that ran it.
      const r = p.drainedAt < this.drains ? this.trySettle(p) : null;
      if (r) this.publish(p.ref, p.command.enclosureId, p.command.id, commandName(p.command), r, true, 1);
      else if (now - p.since >= OUTCOME_TIMEOUT_MS) this.publish(p.ref, p.command.enclosureId, p.command.id, commandName(p.command), { ok: false, reason: `no outcome within ${OUTCOME_TIMEOUT_MS / 60_000} min`, outcome: 'unknown' }, true, 1);
      else keep.push(p);
    }
    this.pending = keep;
  }

  private trySettle(p: Pending): CommandResult | null {
    try {
      return p.settle();
    } catch (e) {
      return { ok: false, reason: `internal error: ${describeError(e)}`, outcome: 'unknown' };
    }
  }

  private run(c: Command): CommandResult {
    const sink = this.deps.sink;
    switch (c.kind) {
      case 'mode':
        return sink.setMode(c.enclosureId, c.mode);
      case 'setpoint':
        return sink.setSetpointOverride(c.enclosureId, c.valueC, c.durationMinutes);
      case 'clear-setpoint':
        return sink.clearSetpointOverride(c.enclosureId);
      case 'output':
        return sink.setOutput(c.enclosureId, c.actuatorId, c.on);
      case 'feed':
        return sink.feedNow(c.enclosureId);
      case 'acknowledge':
        return sink.acknowledge(c.enclosureId);
    }
  }

  private reject(ref: number, p: Extract<ParsedCommand, { ok: false }>, qos: 0 | 1): void {
    this.counts.rejected++;
    this.rejections.record(p.enclosureId, p.command, p.reason);
    this.publish(ref, p.enclosureId, p.id, p.command, { ok: false, reason: p.reason, outcome: 'rejected' }, true, qos);
  }

  private publish(ref: number, enclosureId: string, id: string | undefined, command: string, r: CommandResult, final: boolean, qos: 0 | 1): void {
    const outcome = r.outcome ?? (r.ok ? 'applied' : 'refused');
    const text = r.ok ? (r.detail ?? '') : r.reason;
    if (final && outcome !== 'rejected' && !(outcome === 'refused' && /queue full/.test(text))) {
      if (r.ok) this.counts.applied++;
      else this.counts.refused++;
      (r.ok ? this.done : this.rejections).record(enclosureId, command, text, { ref, ...(id !== undefined ? { id } : {}), outcome });
    }
    const now = this.deps.clock.now();
    if (this.deps.enclosures.has(enclosureId)) this.last.set(enclosureId, { ref, ...(id !== undefined ? { id } : {}), command, ok: r.ok, final, outcome, text, at: now });
    const body: CommandResultDoc = { ref, ...(id !== undefined ? { id } : {}), command, ok: r.ok, final, outcome, ...(r.ok ? (text ? { detail: text } : {}) : { reason: text }), enclosureId, at: iso(now) ?? '' };
    this.deps.respond(enclosureId, body, qos);
    const reply = this.replies.get(ref);
    if (reply) {
      if (final) this.replies.delete(ref);
      try {
        reply(body);
      } catch (e) {
        this.deps.log.error({ err: describeError(e), ref }, 'command reply callback threw');
      }
    }
  }
}

/**
 * The controller's command intake built from its config: every configured enclosure, the
 * setpoint override duration of `mqtt.setpointOverrideMinutes` (default {@link DEFAULT_OVERRIDE_MINUTES}
 * min without an `mqtt` section), every command kind allowed unless a front end says otherwise.
 */
export function createCommandIntake(config: Config, deps: Pick<CommandHandlerDeps, 'sink' | 'clock' | 'log' | 'respond'>): CommandHandler {
  return new CommandHandler({
    ...deps,
    enclosures: new Map<string, EnclosureConfig>(config.enclosures.map((e) => [e.id, e])),
    defaultOverrideMinutes: config.mqtt?.setpointOverrideMinutes ?? DEFAULT_OVERRIDE_MINUTES,
    allowed: new Set(COMMAND_KINDS),
  });
}
