import type { Logger } from 'pino';
import type { EnclosureConfig } from '../config/load.js';
import { describeError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { type Command, type ParsedCommand, parseCommand } from './commands.js';
import { iso } from './payloads.js';
import type { CommandResult, CommandSink } from './sink.js';
import type { TopicTree } from './topics.js';

/** Commands waiting for the next tick, at most. A flood beyond this is refused, counted and answered. */
export const COMMAND_QUEUE_SIZE = 32;

/** Dependencies of a {@link CommandHandler}. */
export interface CommandHandlerDeps {
  topics: TopicTree;
  enclosures: ReadonlyMap<string, EnclosureConfig>;
  /** Duration of a plain-number setpoint override, minutes. */
  defaultOverrideMinutes: number;
  sink: CommandSink;
  clock: Clock;
  log: Logger;
  /** Publishes a result document on `<base>/<enclosureId>/result` (QoS 1 normally, 0 for flood refusals). */
  respond: (enclosureId: string, result: Record<string, unknown>, qos: 0 | 1) => void;
  queueSize?: number;
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

/**
 * Inbound commands: validates each message as it arrives (on the event loop), keeps the valid
 * ones in a bounded FIFO, and runs them through the {@link CommandSink} only when the control loop
 * calls {@link drain}. A rejected command is answered on the result topic with its reason and
 * logged; nothing malformed reaches the sink. Retained commands are refused: a retained
 * "heater ON" would replay at every reconnect.
 */
export class CommandHandler {
  private queue: Command[] = [];
  private droppedCount = 0;
  private overflowing = false;

  constructor(private readonly deps: CommandHandlerDeps) {}

  /** Handles one message on `<base>/+/cmd/#`. Never throws. */
  onMessage(topic: string, payload: Buffer, retain: boolean): void {
    const where = this.deps.topics.parseCommand(topic);
    if (!where) return;
    const name = where.path.join('/');
    if (retain) {
      this.reject({ ok: false, enclosureId: where.enclosureId, command: name, reason: 'retained command ignored: publish commands with retain=false' }, 1);
      return;
    }
    const parsed = parseCommand(where.enclosureId, where.path, payload, this.deps.enclosures, this.deps.defaultOverrideMinutes);
    if (!parsed.ok) {
      this.reject(parsed, 1);
      return;
    }
    const size = this.deps.queueSize ?? COMMAND_QUEUE_SIZE;
    if (this.queue.length >= size) {
      this.droppedCount++;
      if (!this.overflowing) this.deps.log.warn({ queued: this.queue.length }, 'mqtt command queue full: refusing commands');
      this.overflowing = true;
      const c = parsed.command;
      this.respond(c.enclosureId, { ...(c.id !== undefined ? { id: c.id } : {}), command: commandName(c), ok: false, reason: `command queue full (${size} waiting)` }, 0);
      return;
    }
    this.queue.push(parsed.command);
  }

  /**
   * Runs up to `max` queued commands through the sink, in arrival order, and publishes each result.
   * @returns how many ran
   */
  drain(max: number): number {
    let n = 0;
    while (n < max && this.queue.length > 0) {
      const c = this.queue.shift() as Command;
      n++;
      let result: CommandResult;
      try {
        result = this.run(c);
      } catch (e) {
        this.deps.log.error({ command: commandName(c), enclosureId: c.enclosureId, err: describeError(e) }, 'command sink threw');
        result = { ok: false, reason: `internal error: ${describeError(e)}` };
      }
      const base = { ...(c.id !== undefined ? { id: c.id } : {}), command: commandName(c) };
      if (result.ok) {
        this.deps.log.info({ ...base, enclosureId: c.enclosureId, detail: result.detail }, 'mqtt command applied');
        this.respond(c.enclosureId, { ...base, ok: true, ...(result.detail ? { detail: result.detail } : {}) }, 1);
      } else {
        this.deps.log.warn({ ...base, enclosureId: c.enclosureId, reason: result.reason }, 'mqtt command refused by the controller');
        this.respond(c.enclosureId, { ...base, ok: false, reason: result.reason }, 1);
      }
    }
    if (this.queue.length === 0) this.overflowing = false;
    return n;
  }

  /** Commands refused because the queue was full, since start. */
  dropped(): number {
    return this.droppedCount;
  }

  /** Commands waiting for the next drain. */
  queued(): number {
    return this.queue.length;
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

  private reject(p: Extract<ParsedCommand, { ok: false }>, qos: 0 | 1): void {
    this.deps.log.warn({ enclosureId: p.enclosureId, command: p.command, id: p.id, reason: p.reason }, 'mqtt command rejected');
    this.respond(p.enclosureId, { ...(p.id !== undefined ? { id: p.id } : {}), command: p.command, ok: false, reason: p.reason }, qos);
  }

  private respond(enclosureId: string, body: Record<string, unknown>, qos: 0 | 1): void {
    this.deps.respond(enclosureId, { ...body, enclosureId, at: iso(this.deps.clock.now()) }, qos);
  }
}
