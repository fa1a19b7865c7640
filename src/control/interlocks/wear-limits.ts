import type { ActuatorConfig } from '../../config/enclosure-schema.js';
import type { EnclosureConfig } from '../../config/load.js';
import { appliedOn, type InterlockOutcome, plannedOn, type Restriction, type TickInput } from './types.js';

/**
 * Wear and dosing limits: how often an output may switch on and how much a mister may run, in
 * every mode (auto, manual, fallback). The planner chooses what each output should do; this
 * interlock decides whether a switch-on may happen now. It only ever holds an output off (never
 * keeps one on), so an off always succeeds, the operator's included.
 *
 * | limit | applies to | value |
 * |---|---|---|
 * | minimum off time: a switch-on waits this long after the last switch-off | heater | `minOffSeconds` |
 * | | light, fan | {@link SWITCH_MIN_MS} |
 * | | mister, fogger | `climate.humidity.minIntervalMinutes` (the minimum interval between pulses) |
 * | minimum on time: a switch-on waits `minOn + minOff` after the previous switch-on, so a short on-period is paid for by a longer off | heater | `minOnSeconds` |
 * | | light, fan | {@link SWITCH_MIN_MS} |
 * | relay cycles: switch-ons in any rolling hour | every output above | {@link MAX_CYCLES_PER_HOUR} |
 * | daily total: on-time in any rolling 24 h | mister, fogger | `maxPulseSeconds` x {@link MISTER_PULSES_PER_DAY} |
 *
 * The maximum single pulse (and continuous on-time) is the `max-on-time` interlock's. Times are in
 * guard time (monotonic, persisted), so a restart or a wall-clock step cannot reset a limit. The
 * cutoff relay is not limited: the guard drives it for safety.
 *
 * Values are project choices, not datasheet figures: a typical hobby relay module (e.g. Songle
 * SRD-05VDC-SL-C) is rated for about 100 000 electrical operations, so one switch-on per minute on
 * average is a ceiling for misuse (a flood of manual toggles), far above what the thermostat does.
 */

/** Minimum on and off time of lights and fans, ms (these have no configured relay-wear minimum). */
export const SWITCH_MIN_MS = 60_000;
/** Switch-ons allowed in any rolling hour, per output. */
export const MAX_CYCLES_PER_HOUR = 60;
/** A mister/fogger may run at most this many full pulses' worth of on-time in any rolling 24 h. */
export const MISTER_PULSES_PER_DAY = 48;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** The wear limits of one output, ms; `null` when it has none (cutoff, feeder). */
export interface WearLimits {
  minOnMs: number;
  minOffMs: number;
  cyclesPerHour: number;
  /** Rolling 24 h on-time budget, ms (misters and foggers only). */
  dailyOnMs: number | null;
}

/** The wear limits of `a` in `enc` (see the table above). */
export function wearLimits(a: ActuatorConfig, enc: EnclosureConfig): WearLimits | null {
  switch (a.kind) {
    case 'heater':
      return { minOnMs: a.minOnSeconds * 1000, minOffMs: a.minOffSeconds * 1000, cyclesPerHour: MAX_CYCLES_PER_HOUR, dailyOnMs: null };
    case 'light':
    case 'fan':
      return { minOnMs: SWITCH_MIN_MS, minOffMs: SWITCH_MIN_MS, cyclesPerHour: MAX_CYCLES_PER_HOUR, dailyOnMs: null };
    case 'mister':
    case 'fogger': {
      const h = enc.climate.humidity;
      return { minOnMs: 0, minOffMs: h.minIntervalMinutes * 60_000, cyclesPerHour: MAX_CYCLES_PER_HOUR, dailyOnMs: h.maxPulseSeconds * 1000 * MISTER_PULSES_PER_DAY };
    }
    default:
      return null;
  }
}

/** Switching history of one output, in guard time (ms). */
export interface OutputWear {
  /** Applied state at the last tick. */
  on: boolean;
  /** Guard time of the last switch-on / switch-off, `null` if none seen. */
  lastOnAt: number | null;
  lastOffAt: number | null;
  /** Switch-ons within the last hour, oldest first. */
  starts: number[];
  /** On-periods within the last 24 h as `[start, onMs]`, oldest first (misters only). */
  runs: Array<[number, number]>;
}

export interface WearState {
  outputs: Record<string, OutputWear>;
}

export function initialWearState(): WearState {
  return { outputs: {} };
}

/** ISO time without milliseconds, for refusal reasons. */
function at(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function seconds(ms: number): string {
  return ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}

/**
 * The history of one output advanced to guard time `t`. A change of the applied state seen now
 * happened when the previous tick applied it (`t - dt`).
 */
function advance(before: OutputWear | undefined, on: boolean, t: number, dt: number, daily: boolean): OutputWear {
  const w: OutputWear = before
    ? { ...before, starts: before.starts.filter((s) => s > t - HOUR_MS), runs: daily ? before.runs.filter(([s, ms]) => s + ms > t - DAY_MS) : [] }
    : { on: false, lastOnAt: null, lastOffAt: null, starts: [], runs: [] };
  const changedAt = t - dt;
  if (on && !w.on) {
    w.lastOnAt = changedAt;
    w.starts = [...w.starts, changedAt];
    if (daily) w.runs = [...w.runs, [changedAt, dt]];
  } else if (on && daily && w.runs.length > 0) {
    const last = w.runs[w.runs.length - 1];
    w.runs = [...w.runs.slice(0, -1), [last[0], last[1] + dt]];
  } else if (!on && w.on) {
    w.lastOffAt = changedAt;
  }
  w.on = on;
  return w;
}

/** On-time within the last 24 h, ms. */
function dailyOnMs(w: OutputWear, t: number): number {
  let sum = 0;
  for (const [s, ms] of w.runs) sum += Math.min(ms, s + ms - (t - DAY_MS));
  return sum;
}

/**
 * Why `w` may not switch on at guard time `t`, and the guard time from which it may; `null` when a
 * switch-on is allowed now.
 */
export function switchOnBlock(w: OutputWear | undefined, lim: WearLimits, t: number): { limit: string; until: number } | null {
  if (!w) return null;
  const blocks: Array<{ limit: string; until: number }> = [];
  if (w.lastOffAt !== null && t - w.lastOffAt < lim.minOffMs) blocks.push({ limit: `minimum off time ${seconds(lim.minOffMs)}`, until: w.lastOffAt + lim.minOffMs });
  if (w.lastOnAt !== null && lim.minOnMs > 0 && t - w.lastOnAt < lim.minOnMs + lim.minOffMs) blocks.push({ limit: `minimum on time ${seconds(lim.minOnMs)} (a short on-period waits it out off)`, until: w.lastOnAt + lim.minOnMs + lim.minOffMs });
  const recent = w.starts.filter((s) => s > t - HOUR_MS);
  if (recent.length >= lim.cyclesPerHour) blocks.push({ limit: `${lim.cyclesPerHour} switch-ons per hour`, until: recent[recent.length - lim.cyclesPerHour] + HOUR_MS });
  if (lim.dailyOnMs !== null && dailyOnMs(w, t) >= lim.dailyOnMs) blocks.push({ limit: `daily total ${seconds(lim.dailyOnMs)} of on-time per 24 h`, until: (w.runs[0]?.[0] ?? t) + DAY_MS });
  if (blocks.length === 0) return null;
  return blocks.reduce((a, b) => (b.until > a.until ? b : a));
}

/**
 * Evaluates the wear limits for one tick: holds off every output the plan wants on while a limit
 * blocks its switch-on, and stops a mister whose daily total ran out mid-pulse. The restriction
 * reason names the limit and the wall time from which the output may switch on.
 */
export function evaluateWearLimits(input: TickInput, prev: WearState | undefined): InterlockOutcome<WearState> {
  const { enc, plan, ctx, t, dt } = input;
  const outputs: Record<string, OutputWear> = {};
  const off: Restriction[] = [];
  for (const a of enc.actuators) {
    const lim = wearLimits(a, enc);
    if (!lim) continue;
    const w = advance(prev?.outputs[a.id], appliedOn(ctx, a.id), t, dt, lim.dailyOnMs !== null);
    outputs[a.id] = w;
    if (!plannedOn(plan, a.id)) continue;
    if (w.on) {
      if (lim.dailyOnMs !== null && dailyOnMs(w, t) >= lim.dailyOnMs) {
        const until = (w.runs[0]?.[0] ?? t) + DAY_MS;
        off.push({ id: a.id, reason: `held off: daily total ${seconds(lim.dailyOnMs)} of on-time per 24 h reached; may switch on at ${at(ctx.now + until - t)}` });
      }
      continue;
    }
    const block = switchOnBlock(w, lim, t);
    if (block) off.push({ id: a.id, reason: `held off: ${block.limit}; may switch on at ${at(ctx.now + block.until - t)}` });
  }
  return { state: { outputs }, off, faults: [], latch: [] };
}
