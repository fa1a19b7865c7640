import type { Reading } from '../devices/reading.js';
import { UNITS } from '../drivers/types.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { ComponentHealth } from '../resilience/health-types.js';

/** ISO 8601 UTC (`2026-03-01T10:00:00.000Z`) from wall ms; `null` for `null` or a non-finite value. */
export function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Rounds to `dp` decimals; keeps `null`. */
function round(v: number | null, dp: number): number | null {
  if (v === null) return null;
  const f = 10 ** dp;
  return Math.round(v * f) / f;
}

/** Value of a reading only when its quality is `ok`, rounded; else `null` (Home Assistant shows "unknown"). */
function okValue(r: Reading | null, dp: number): number | null {
  return r && r.quality === 'ok' && r.value !== null ? round(r.value, dp) : null;
}

/** A reading as JSON: `{ sensorId, value, unit, quality, reason?, at }`, `null` when there is none. */
export function readingJson(r: Reading | null): Record<string, unknown> | null {
  if (!r) return null;
  return { sensorId: r.sensorId, value: r.value, unit: UNITS[r.quantity], quality: r.quality, ...(r.reason ? { reason: r.reason } : {}), at: iso(r.at) };
}

/**
 * The retained state document of an enclosure (`<base>/<enc>/state`, docs/mqtt.md "State").
 * Flat fields are what Home Assistant templates read: `temperatureC` (°C, 2 dp), `humidityPct`
 * (%RH, 2 dp), `pressurePa` (Pa, integer) are `null` unless the reading's quality is `ok`, so a
 * stale probe shows "unknown", never its last value. Nested `temperature`/`humidity`/`pressure`
 * keep the raw reading with unit, quality and reason. Times are ISO 8601 UTC.
 */
export function statePayload(s: EnclosureSnapshot): Record<string, unknown> {
  const actuators: Record<string, unknown> = {};
  for (const [id, a] of Object.entries(s.actuators)) {
    actuators[id] = { kind: a.kind, on: a.on, state: a.on ? 'ON' : 'OFF', ...(a.level !== undefined ? { level: a.level } : {}), reason: a.reason };
  }
  const components: Record<string, string> = {};
  for (const h of s.health) components[h.id] = h.status;
  return {
    enclosureId: s.enclosureId,
    name: s.name,
    at: iso(s.at),
    mode: s.mode,
    phase: s.phase,
    lightLevelPct: round(s.lightLevel * 100, 1),
    setpointC: s.setpointC,
    hysteresisC: s.hysteresisC,
    setpointOverridden: s.setpointOverridden,
    humidityRange: s.humidityRange,
    limits: s.limits,
    temperatureC: okValue(s.temperature, 2),
    humidityPct: okValue(s.humidity, 2),
    pressurePa: okValue(s.pressure, 0),
    temperature: readingJson(s.temperature),
    humidity: readingJson(s.humidity),
    pressure: readingJson(s.pressure),
    actuators,
    faultActive: s.faults.length > 0,
    latchedFault: s.faults.some((f) => f.latched),
    faults: s.faults.map((f) => ({ kind: f.kind, component: f.component, at: iso(f.at), latched: f.latched, message: f.message })),
    healthProblem: s.health.some((h) => h.status === 'degraded' || h.status === 'failed'),
    components,
    lastFedAt: iso(s.lastFedAt),
    hvacAction: hvacAction(s),
  };
}

/**
 * What the heating is doing, in Home Assistant's climate `action` words: `heating` while a heater
 * is on, `off` in safe mode (heat locked out until a person acknowledges), else `idle`.
 */
export function hvacAction(s: EnclosureSnapshot): 'heating' | 'idle' | 'off' {
  const heaters = Object.values(s.actuators).filter((a) => a.kind === 'heater');
  if (heaters.some((a) => a.on)) return 'heating';
  return s.mode === 'safe' ? 'off' : 'idle';
}

/**
 * One reading for the outbox (`<base>/<enc>/readings`): the measurements at `at` (the snapshot's
 * own time, kept however late the row is delivered), their quality, and what the control did.
 */
export function readingPayload(s: EnclosureSnapshot): Record<string, unknown> {
  const actuators: Record<string, boolean> = {};
  for (const [id, a] of Object.entries(s.actuators)) actuators[id] = a.on;
  return {
    at: iso(s.at),
    temperatureC: okValue(s.temperature, 2),
    humidityPct: okValue(s.humidity, 2),
    pressurePa: okValue(s.pressure, 0),
    quality: { temperature: s.temperature?.quality ?? 'missing', humidity: s.humidity?.quality ?? 'missing', pressure: s.pressure?.quality ?? 'missing' },
    setpointC: s.setpointC,
    mode: s.mode,
    phase: s.phase,
    actuators,
  };
}

/** Copies `v`, turning numbers under keys named `at` or ending in `At` (wall ms) into ISO strings. */
function isoTimes(v: unknown, key = ''): unknown {
  if (typeof v === 'number' && (key === 'at' || key.endsWith('At'))) return iso(v);
  if (Array.isArray(v)) return v.map((x) => isoTimes(x));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = isoTimes(x, k);
    return out;
  }
  return v;
}

/**
 * An event for the outbox (`<base>/<enc>/event`): `{ type, enclosureId, at, ... }` with every
 * `at`/`*At` time as ISO. `at` is the event's own time (`event.at`, else `event.fault.at`), or
 * `nowMs` when it carries none.
 */
export function eventPayload(enclosureId: string | null, event: { type: string; [k: string]: unknown }, nowMs: number): Record<string, unknown> {
  const own = typeof event.at === 'number' ? event.at : (event.fault as { at?: unknown } | undefined)?.at;
  const at = typeof own === 'number' ? own : nowMs;
  return { ...(isoTimes(event) as Record<string, unknown>), type: event.type, enclosureId, at: iso(at) };
}

/** The parts of a component's health whose change is worth a retained republish (not counters). */
export function healthKey(h: ComponentHealth): string {
  return `${h.id}|${h.status}|${h.reason ?? ''}|${h.breaker ?? ''}|${h.lastError ?? ''}`;
}

/**
 * Retained health document (`<base>/<enc>/health`, `<base>/health`): `{ at, problem, components }`,
 * components by id with times as ISO; `problem` is true when any is `degraded` or `failed`.
 */
export function healthPayload(list: ComponentHealth[], nowMs: number): Record<string, unknown> {
  const components: Record<string, unknown> = {};
  for (const h of list) {
    components[h.id] = {
      kind: h.kind,
      status: h.status,
      ...(h.reason ? { reason: h.reason } : {}),
      ...(h.breaker ? { breaker: h.breaker } : {}),
      lastSuccessAt: iso(h.lastSuccessAt),
      lastErrorAt: iso(h.lastErrorAt),
      ...(h.lastError ? { lastError: h.lastError } : {}),
      counters: h.counters,
    };
  }
  return { at: iso(nowMs), problem: list.some((h) => h.status === 'degraded' || h.status === 'failed'), components };
}
