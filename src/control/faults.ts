import type { ControlEvent, Fault, FaultKind } from './types.js';

/**
 * Fault bookkeeping for the guard: identity, latching, acknowledgement and the raised/cleared
 * events between two ticks. Plain functions over plain arrays, so the lists stay JSON-serialisable
 * inside `GuardState` (which the app persists: latched faults survive restarts).
 */

/**
 * Faults that lock out all heat while latched (`heatLockout`): every heater off and the cutoff relay
 * opened until an operator acknowledges. They all mean "the heat path does not do what we command".
 */
export const HEAT_LOCKOUT_KINDS: readonly FaultKind[] = ['over-temperature', 'thermal-runaway', 'heater-no-heat', 'stuck-relay'];

/** Identity of a fault: one active fault per kind and component. */
export function faultKey(f: Pick<Fault, 'kind' | 'component'>): string {
  return `${f.kind}:${f.component}`;
}

/** Builds a fault (wall ms `at`). */
export function makeFault(kind: FaultKind, component: string, at: number, latched: boolean, message: string): Fault {
  return { kind, component, at, latched, message };
}

/** True when `latched` holds a fault that locks out heat. */
export function hasHeatLockout(latched: readonly Fault[]): boolean {
  return latched.some((f) => HEAT_LOCKOUT_KINDS.includes(f.kind));
}

/**
 * Adds faults to the latched list as latched faults; a fault whose key is already latched keeps its
 * first `at` and message (the first trip is the one an operator needs to see).
 */
export function latchFaults(latched: readonly Fault[], add: readonly Fault[]): Fault[] {
  if (add.length === 0) return [...latched]; // the usual tick: nothing to latch
  const out = [...latched];
  const keys = new Set(out.map(faultKey));
  for (const f of add) {
    if (keys.has(faultKey(f))) continue;
    keys.add(faultKey(f));
    out.push({ ...f, latched: true });
  }
  return out;
}

/**
 * Keeps the raise time of faults that were already active at the previous tick, so a fault that
 * persists reports when it started, not the current tick. Duplicate keys are dropped (first wins).
 */
export function carryOver(previous: readonly Fault[], current: readonly Fault[]): Fault[] {
  if (current.length === 0) return [];
  const prev = new Map(previous.map((f) => [faultKey(f), f]));
  const seen = new Set<string>();
  const out: Fault[] = [];
  for (const f of current) {
    const k = faultKey(f);
    if (seen.has(k)) continue;
    seen.add(k);
    const p = prev.get(k);
    out.push(p && !p.latched ? { ...f, at: p.at } : f);
  }
  return out;
}

/** All active faults: latched ones first; a transient fault with the key of a latched one is hidden. */
export function activeFaults(latched: readonly Fault[], transient: readonly Fault[]): Fault[] {
  if (latched.length === 0) return [...transient];
  const keys = new Set(latched.map(faultKey));
  return [...latched, ...transient.filter((f) => !keys.has(faultKey(f)))];
}

/**
 * Events between two sets of active faults: `fault` for a new key or a key that became latched,
 * `fault-cleared` (at wall ms `now`) for a key that is gone.
 */
export function faultEvents(before: readonly Fault[], after: readonly Fault[], now: number): ControlEvent[] {
  if (before.length === 0 && after.length === 0) return [];
  const prev = new Map(before.map((f) => [faultKey(f), f]));
  const next = new Set(after.map(faultKey));
  const events: ControlEvent[] = [];
  for (const f of after) {
    const p = prev.get(faultKey(f));
    if (!p || (f.latched && !p.latched)) events.push({ type: 'fault', fault: f });
  }
  for (const f of before) {
    if (!next.has(faultKey(f))) events.push({ type: 'fault-cleared', kind: f.kind, component: f.component, at: now });
  }
  return events;
}

/**
 * Splits latched faults into those an acknowledgement clears (all, or only `kinds`) and those kept.
 * Acknowledging never checks whether the condition is gone: the detectors re-evaluate from scratch
 * and re-latch if it persists (see `acknowledgeFaults` in guard.ts).
 */
export function acknowledge(latched: readonly Fault[], kinds?: readonly FaultKind[]): { kept: Fault[]; cleared: Fault[] } {
  const kept: Fault[] = [];
  const cleared: Fault[] = [];
  for (const f of latched) (kinds === undefined || kinds.includes(f.kind) ? cleared : kept).push(f);
  return { kept, cleared };
}
