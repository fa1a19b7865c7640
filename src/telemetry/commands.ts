import { z } from 'zod';
import type { EnclosureConfig } from '../config/load.js';
import type { SpeciesProfile } from '../config/profile-schema.js';

/** A validated, bounded command, ready for the `CommandSink`. `id`: the sender's correlation id. */
export type Command =
  | { kind: 'mode'; enclosureId: string; mode: 'auto' | 'manual'; id?: string }
  | { kind: 'setpoint'; enclosureId: string; valueC: number; durationMinutes: number; id?: string }
  | { kind: 'clear-setpoint'; enclosureId: string; id?: string }
  | { kind: 'output'; enclosureId: string; actuatorId: string; on: boolean; id?: string }
  | { kind: 'feed'; enclosureId: string; id?: string }
  | { kind: 'acknowledge'; enclosureId: string; id?: string };

/** Outcome of parsing one inbound message. `command` names the topic's command for the result. */
export type ParsedCommand = { ok: true; command: Command } | { ok: false; enclosureId: string; command: string; id?: string; reason: string };

/** Largest accepted command payload, bytes. Commands are tiny; anything bigger is refused unparsed. */
export const MAX_COMMAND_BYTES = 1024;

/**
 * How far a setpoint override may stray from the profile's own day/night setpoints, °C.
 * A project choice, not a datasheet value: wide enough for a cool-down or a warm spell, narrow
 * enough that a typo (`82` for `28`) is refused even when the safety limits are wide.
 */
export const OVERRIDE_MARGIN_C = 5;

/**
 * The range a setpoint override must fall in, °C, on a 0.5 °C grid:
 * `[max(minC + h/2 + 0.5, min(day, night) - margin), min(maxC - h/2 - 0.5, max(day, night) + margin)]`
 * with `h` the wider hysteresis, so the thermostat band keeps 0.5 °C clear of the safety limits
 * (the profile schema already requires setpoint ± h/2 strictly inside them).
 */
export function setpointBounds(climate: SpeciesProfile): { minC: number; maxC: number } {
  const { day, night } = climate.temperature;
  const h = Math.max(day.hysteresisC, night.hysteresisC);
  const lo = Math.max(climate.safety.minC + h / 2 + 0.5, Math.min(day.setpointC, night.setpointC) - OVERRIDE_MARGIN_C);
  const hi = Math.min(climate.safety.maxC - h / 2 - 0.5, Math.max(day.setpointC, night.setpointC) + OVERRIDE_MARGIN_C);
  return { minC: Math.ceil(lo * 2) / 2, maxC: Math.floor(hi * 2) / 2 };
}

/** Actuator kinds an operator may switch in manual mode (feeders use `feed`, the cutoff belongs to the interlocks). */
export const SWITCHABLE_KINDS: ReadonlySet<string> = new Set(['heater', 'light', 'mister', 'fogger', 'fan']);

const Id = z.union([z.string().min(1).max(64), z.number().int()]).transform(String).optional();
const ModeJson = z.strictObject({ mode: z.enum(['auto', 'manual']), id: Id });
const SetpointJson = z.strictObject({ valueC: z.number(), durationMinutes: z.number().int().min(1).max(24 * 60).optional(), id: Id });
const OutputJson = z.strictObject({ on: z.boolean(), id: Id });
const PressJson = z.strictObject({ id: Id });

type Json = { json: unknown } | { plain: string };

/** Splits a payload into JSON (it starts with `{`) or a plain token such as `ON`, `auto`, `27.5`, `PRESS`. */
function decode(payload: Buffer): Json | { error: string } {
  if (payload.length > MAX_COMMAND_BYTES) return { error: `payload too large (${payload.length} bytes, max ${MAX_COMMAND_BYTES})` };
  const text = payload.toString('utf8').trim();
  if (!text.startsWith('{')) return { plain: text };
  try {
    return { json: JSON.parse(text) as unknown };
  } catch (e) {
    return { error: `malformed JSON: ${(e as Error).message}` };
  }
}

function zodReason(err: z.ZodError): string {
  return err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

function idOf(json: unknown): string | undefined {
  const id = (json as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 64 ? id : typeof id === 'number' && Number.isInteger(id) ? String(id) : undefined;
}

/** The sender's correlation `id` of a JSON payload, for answering a command refused before parsing (retained, disabled). */
export function commandIdOf(payload: Buffer): string | undefined {
  const d = decode(payload);
  return 'json' in d ? idOf(d.json) : undefined;
}

/** Only an explicit `PRESS`: an empty payload (someone clearing a retained message) must never feed. */
const isPress = (s: string): boolean => s.toUpperCase() === 'PRESS';

/**
 * Validates one command (docs/mqtt.md "Commands"). `path` is the topic after `<base>/<enc>/cmd/`:
 * `mode`, `setpoint`, `setpoint/clear`, `output/<actuatorId>`, `feed`, `acknowledge`. Payloads are a
 * plain token (what Home Assistant sends) or a JSON object with an optional correlation `id`;
 * unknown JSON keys, unknown enclosures/actuators and out-of-range values are rejected with a reason.
 * @param enclosures the configured enclosures by id
 * @param defaultOverrideMinutes duration of a setpoint override given without one
 */
export function parseCommand(enclosureId: string, path: string[], payload: Buffer, enclosures: ReadonlyMap<string, EnclosureConfig>, defaultOverrideMinutes: number): ParsedCommand {
  const name = path.join('/');
  const decoded = decode(payload);
  const id = 'json' in decoded ? idOf(decoded.json) : undefined;
  const reject = (reason: string): ParsedCommand => ({ ok: false, enclosureId, command: name, ...(id !== undefined ? { id } : {}), reason });
  if ('error' in decoded) return reject(decoded.error);
  const enc = enclosures.get(enclosureId);
  if (!enc) return reject(`unknown enclosure "${enclosureId}" (configured: ${[...enclosures.keys()].join(', ')})`);
  const accept = (command: Command): ParsedCommand => ({ ok: true, command });

  switch (name) {
    case 'mode': {
      if ('plain' in decoded) {
        const m = decoded.plain.toLowerCase();
        return m === 'auto' || m === 'manual' ? accept({ kind: 'mode', enclosureId, mode: m }) : reject(`mode must be "auto" or "manual", got "${decoded.plain.slice(0, 32)}"`);
      }
      const r = ModeJson.safeParse(decoded.json);
      return r.success ? accept({ kind: 'mode', enclosureId, mode: r.data.mode, id: r.data.id }) : reject(zodReason(r.error));
    }
    case 'setpoint': {
      let valueC: number;
      let durationMinutes = defaultOverrideMinutes;
      if ('plain' in decoded) {
        if (!/^-?\d+(\.\d+)?$/.test(decoded.plain)) return reject(`setpoint must be a number in °C, got "${decoded.plain.slice(0, 32)}"`);
        valueC = Number(decoded.plain);
      } else {
        const r = SetpointJson.safeParse(decoded.json);
        if (!r.success) return reject(zodReason(r.error));
        valueC = r.data.valueC;
        durationMinutes = r.data.durationMinutes ?? defaultOverrideMinutes;
      }
      const b = setpointBounds(enc.climate);
      if (!(valueC >= b.minC && valueC <= b.maxC)) return reject(`setpoint ${valueC} °C is outside ${b.minC}..${b.maxC} °C for "${enclosureId}" (profile ${enc.profile})`);
      return accept({ kind: 'setpoint', enclosureId, valueC, durationMinutes, id });
    }
    case 'setpoint/clear':
    case 'feed':
    case 'acknowledge': {
      const kind = name === 'setpoint/clear' ? 'clear-setpoint' : name;
      if (kind === 'feed' && !enc.actuators.some((a) => a.kind === 'feeder')) return reject(`enclosure "${enclosureId}" has no feeder`);
      if ('plain' in decoded) return isPress(decoded.plain) ? accept({ kind, enclosureId }) : reject(`expected PRESS or a JSON object, got "${decoded.plain.slice(0, 32)}"`);
      const r = PressJson.safeParse(decoded.json);
      return r.success ? accept({ kind, enclosureId, id: r.data.id }) : reject(zodReason(r.error));
    }
    default:
      break;
  }
  if (path.length === 2 && path[0] === 'output') {
    const actuatorId = path[1];
    const act = enc.actuators.find((a) => a.id === actuatorId);
    const switchable = enc.actuators.filter((a) => SWITCHABLE_KINDS.has(a.kind)).map((a) => a.id);
    if (!act) return reject(`unknown actuator "${actuatorId}" in "${enclosureId}" (switchable: ${switchable.join(', ') || 'none'})`);
    if (act.kind === 'feeder') return reject(`"${actuatorId}" is a feeder: use cmd/feed`);
    if (!SWITCHABLE_KINDS.has(act.kind)) return reject(`"${actuatorId}" (${act.kind}) is driven by the safety interlocks only`);
    if ('plain' in decoded) {
      const p = decoded.plain.toUpperCase();
      if (p !== 'ON' && p !== 'OFF') return reject(`output state must be ON or OFF, got "${decoded.plain.slice(0, 32)}"`);
      return accept({ kind: 'output', enclosureId, actuatorId, on: p === 'ON' });
    }
    const r = OutputJson.safeParse(decoded.json);
    return r.success ? accept({ kind: 'output', enclosureId, actuatorId, on: r.data.on, id: r.data.id }) : reject(zodReason(r.error));
  }
  return reject(`unknown command "${name}" (known: mode, setpoint, setpoint/clear, output/<actuator>, feed, acknowledge)`);
}
