import type { EnclosureConfig } from '../config/load.js';
import { type FanState, initialFanState, stepFan } from './fan.js';
import { frostCommand } from './frost.js';
import { effectiveReading, isTrustworthy, readingsOf } from './fusion.js';
import { type MisterState, initialMisterState, stepMister } from './humidity.js';
import { planLight } from './lights.js';
import { type PhotoperiodDay, photoperiodDay, photoperiodInDay } from './photoperiod.js';
import { activeSetpoint } from './setpoint.js';
import { type ThermostatState, initialThermostatState, stepThermostat } from './thermostat.js';
import type { ControlEvent, DayPhase, EnclosureMode, Measurements, OperatorInputs, OutputCommand, OutputPlan } from './types.js';

/** What the planner knows about "now" besides the measurements. */
export interface PlanContext {
  /** Wall-clock ms since epoch (schedules, photoperiod, override expiry). */
  now: number;
  /** Monotonic ms (minimum on/off times, pulse lengths, duty cycles). */
  mono: number;
  /** IANA time zone of the controller (`controller.timezone`). */
  timezone: string;
  /** False until wall time is trustworthy (RTC-less boot): lights off, night setpoint, no seasons. */
  clockPlausible: boolean;
  /** Enclosure mode from the supervisor; `manual` honours `op.manualOutputs`, `safe` keeps heat off. */
  mode: EnclosureMode;
  /**
   * {@link photoperiodKey} of this enclosure's profile and `timezone`, when the caller keeps it
   * (it only changes with the configuration); computed here when absent.
   */
  photoperiodKey?: string;
}

/**
 * Identity of what the cached photoperiod day depends on: the time zone, the photoperiod and the
 * seasons of `profile`. A change of any of them makes the planner recompute the day.
 */
export function photoperiodKey(profile: EnclosureConfig['climate'], timezone: string): string {
  return `${timezone} ${JSON.stringify(profile.photoperiod)} ${JSON.stringify(profile.seasons)}`;
}

/**
 * The planner's memory between ticks, per actuator id (JSON-serialisable). Monotonic times in it are
 * only meaningful within one process run; after a restart they read as "long ago".
 */
export interface ControlState {
  heaters: Record<string, ThermostatState>;
  misters: Record<string, MisterState>;
  fans: Record<string, FanState>;
  /** Day phase at the last tick (`null` before the first), for phase-change events. */
  lastPhase: DayPhase | null;
  /** Clock plausibility at the last tick (`null` before the first), for one notice per change. */
  clockPlausible: boolean | null;
  /**
   * The photoperiod's local day, kept while `now` stays inside it (the time-zone work is done once
   * a day, not every tick); `key` names the zone and photoperiod it was computed for.
   */
  day: (PhotoperiodDay & { key: string }) | null;
}

export interface PlanResult {
  /** Desired state of every heater, light, mister/fogger and fan (not feeders, not the cutoff). */
  plan: OutputPlan;
  state: ControlState;
  phase: DayPhase;
  /** Photoperiod light level 0..1. */
  lightLevel: number;
  /** Active setpoint and full hysteresis band width, °C. */
  setpointC: number;
  hysteresisC: number;
  setpointOverridden: boolean;
  /** Season in force (`null` if none, overridden, or clock not plausible). */
  season: string | null;
  /** Ids of actuators driven by a fallback rule this tick (unknown temperature / humidity / limit probe). */
  fallbacks: string[];
  events: ControlEvent[];
}

/** A fresh planner state for `enc`: everything off, no timers running. */
export function initialControlState(enc: EnclosureConfig): ControlState {
  const state: ControlState = { heaters: {}, misters: {}, fans: {}, lastPhase: null, clockPlausible: null, day: null };
  for (const a of enc.actuators) {
    if (a.kind === 'heater') state.heaters[a.id] = initialThermostatState();
    else if (a.kind === 'mister' || a.kind === 'fogger') state.misters[a.id] = initialMisterState();
    else if (a.kind === 'fan') state.fans[a.id] = initialFanState();
  }
  return state;
}

/**
 * Plans one tick for one enclosure (pure: no I/O, no clock reads). Photoperiod and setpoint come
 * from `ctx.now`; each heater's thermostat uses its own sensor list and limit probe; misters and fans
 * use the fused humidity/temperature. While the clock is not plausible it plans as at night (lights
 * off, night setpoint, night fallback duty). In `manual` mode the outputs named in
 * `op.manualOutputs` follow them (the guard still restricts them afterwards); in `safe` mode every
 * heater follows the frost thermostat (frost.ts: off unless the air nears `safety.minC`). The guard runs after this and may only restrict.
 */
export function planEnclosure(enc: EnclosureConfig, m: Measurements, op: OperatorInputs, state: ControlState, ctx: PlanContext): PlanResult {
  const profile = enc.climate;
  const key = ctx.photoperiodKey ?? photoperiodKey(profile, ctx.timezone);
  const cached = state.day;
  const day =
    cached && cached.key === key && ctx.now >= cached.dayStart && ctx.now < cached.dayEnd
      ? cached
      : { ...photoperiodDay(profile.photoperiod, profile.seasons, ctx.now, ctx.timezone), key };
  const pp = photoperiodInDay(day, profile.photoperiod.rampMinutes, ctx.now);
  const phase: DayPhase = ctx.clockPlausible ? pp.phase : 'night';
  const lightLevel = ctx.clockPlausible ? pp.lightLevel : 0;
  const season = ctx.clockPlausible ? pp.season : null;
  const sp = activeSetpoint(profile, phase, season, ctx.now, op.setpointOverride);
  const manual = ctx.mode === 'manual' ? (op.manualOutputs ?? {}) : {};

  const next: ControlState = { heaters: {}, misters: {}, fans: {}, lastPhase: phase, clockPlausible: ctx.clockPlausible, day };
  const plan: OutputPlan = {};
  const fallbacks: string[] = [];
  const events: ControlEvent[] = [];
  const notice = (message: string): void => {
    events.push({ type: 'notice', message, at: ctx.now });
  };

  for (const a of enc.actuators) {
    let cmd: OutputCommand;
    const forced = manual[a.id];
    if (a.kind === 'heater') {
      const prev = state.heaters[a.id] ?? initialThermostatState();
      // With no trustworthy reading, hand over the primary's so the fallback reason says why.
      const temps = readingsOf(m.bySensor, a.sensors, 'temperature');
      const temp = effectiveReading(temps) ?? temps[0] ?? null;
      const limit = a.limit ? (m.bySensor[a.limit.sensor]?.temperature ?? null) : null;
      const target = {
        setpointC: sp.setpointC,
        hysteresisC: sp.hysteresisC,
        fallbackDutyPct: phase === 'night' ? profile.fallback.heaterDutyNightPct : profile.fallback.heaterDutyDayPct,
        fallbackPeriodMs: profile.fallback.heaterDutyPeriodMinutes * 60_000,
      };
      const r = stepThermostat(a, temp, target, prev, ctx.mono, limit);
      let st = r.state;
      cmd = r.cmd;
      if (ctx.mode === 'safe' || forced !== undefined) {
        // Safe mode: heat is locked out; only the frost thermostat (frost.ts) may ask for heat.
        cmd = ctx.mode === 'safe' ? frostCommand(isTrustworthy(temp) ? temp.value : null, prev.on, profile.safety.minC) : { on: forced as boolean, reason: `manual ${forced ? 'on' : 'off'}` };
        const on = cmd.on;
        st = { ...st, on, window: null, changedAtMono: on !== prev.on ? ctx.mono : prev.changedAtMono };
      }
      if (r.fallback) fallbacks.push(a.id);
      if (r.state.fallbackSinceMono !== null && prev.fallbackSinceMono === null) notice(`heater ${a.id}: fallback rule active (${r.cmd.reason})`);
      if (r.state.fallbackSinceMono === null && prev.fallbackSinceMono !== null) notice(`heater ${a.id}: thermostat back on a trustworthy temperature`);
      next.heaters[a.id] = st;
    } else if (a.kind === 'light') {
      cmd = planLight(a, { phase, lightLevel }, ctx.clockPlausible);
      if (forced !== undefined) cmd = a.output.type === 'pca9685' ? { on: forced, level: forced ? 1 : 0, reason: `manual ${forced ? 'on' : 'off'}` } : { on: forced, reason: `manual ${forced ? 'on' : 'off'}` };
    } else if (a.kind === 'mister' || a.kind === 'fogger') {
      const prev = state.misters[a.id] ?? initialMisterState();
      const target = {
        minPct: profile.humidity.minPct,
        maxPulseSeconds: profile.humidity.maxPulseSeconds,
        minIntervalMinutes: profile.humidity.minIntervalMinutes,
        fallbackEveryMinutes: profile.fallback.mistEveryMinutes,
      };
      const humidity = m.humidity ?? readingsOf(m.bySensor, enc.humiditySensors, 'humidity')[0] ?? null;
      const r = stepMister(humidity, target, prev, ctx.mono);
      let st = r.state;
      cmd = r.cmd;
      if (forced !== undefined) {
        cmd = { on: forced, reason: `manual ${forced ? 'on' : 'off'}` };
        if (forced && !prev.on) st = { ...st, on: true, pulseStartMono: ctx.mono };
        else if (!forced && prev.on) st = { ...st, on: false, pulseEndMono: ctx.mono };
        else st = { ...st, on: forced, pulseStartMono: prev.pulseStartMono, pulseEndMono: prev.pulseEndMono };
      }
      if (r.fallback) fallbacks.push(a.id);
      if (r.state.fallbackSinceMono !== null && prev.fallbackSinceMono === null) notice(`${a.kind} ${a.id}: humidity unknown, timed fallback (${r.cmd.reason})`);
      next.misters[a.id] = st;
    } else if (a.kind === 'fan') {
      const prev = state.fans[a.id] ?? initialFanState();
      const r = stepFan(a, m.temperature, m.humidity, { maxHumidityPct: profile.humidity.maxPct, bandTopC: sp.setpointC + sp.hysteresisC / 2 }, prev, ctx.mono);
      let st = r.state;
      cmd = r.cmd;
      if (forced !== undefined) {
        cmd = { on: forced, reason: `manual ${forced ? 'on' : 'off'}` };
        st = { on: forced, onSinceMono: forced ? (prev.on && prev.onSinceMono !== null ? prev.onSinceMono : ctx.mono) : null, restUntilMono: r.state.restUntilMono };
      }
      next.fans[a.id] = st;
    } else {
      continue; // feeders and the cutoff belong to the feeder scheduler and the guard
    }
    plan[a.id] = cmd;
  }

  if (state.lastPhase !== null && state.lastPhase !== phase) events.push({ type: 'phase', phase, at: ctx.now });
  if (!ctx.clockPlausible && state.clockPlausible !== false) notice('clock not plausible: lights off, night setpoint, no seasons until time is synchronised');
  if (ctx.clockPlausible && state.clockPlausible === false) notice('clock plausible again: photoperiod and seasons resume');

  return {
    plan,
    state: next,
    phase,
    lightLevel,
    setpointC: sp.setpointC,
    hysteresisC: sp.hysteresisC,
    setpointOverridden: sp.overridden,
    season: sp.seasonName,
    fallbacks,
    events,
  };
}
