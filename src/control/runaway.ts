import type { HeaterConfig } from '../config/enclosure-schema.js';

/**
 * Thermal-runaway detection for one heater: Marlin's `thermal_protection` adapted to terrarium time
 * scales (MarlinFirmware/Marlin
 * `Marlin/src/module/temperature.cpp`, `Configuration_adv.h` @ c612b56). Pure: state in, state out.
 *
 * (a) Heating watch (Marlin `start_watching_*` / WATCH_TEMP_*): when heating starts with the
 *     temperature below `setpoint - (watchIncrease + hysteresis/2 + WATCH_ARM_MARGIN_C)`, record
 *     `watchTarget = T + watchIncrease` and a deadline `watchPeriod` ahead. At the first deadline, a
 *     temperature below `watchTarget` is `heater-no-heat` (latched, heater off); otherwise re-arm
 *     (a rolling window) or disarm near the setpoint. The heater going off disarms it.
 *     Re-armed windows (deviation from Marlin, whose heaters have ample power): an air temperature
 *     approaches the heater's equilibrium exponentially, so a working but weak heater slows below
 *     the watch increase before the setpoint. There a rise under `watchIncrease` is reported
 *     without a latch ("too weak"); only a rise under {@link WATCH_MIN_RISE_C} (not heating at all)
 *     latches.
 * (b) Holding check (Marlin `thermal_runaway_protection`): Inactive -> FirstHeating (until the
 *     temperature reaches the setpoint band, `setpoint - hysteresis/2`) -> Stable. In Stable, a
 *     temperature more than `hysteresisC` (Y) below the setpoint continuously for `period` (Z) while
 *     the heater is on is `thermal-runaway` (probe fell off, heater dead, lid open), latched, unless
 *     another sensor confirms the cold (see {@link stepRunaway}). A setpoint or control-sensor
 *     change restarts at FirstHeating, as Marlin does on a target change.
 * (c) On but falling (our addition, for a heater that dies while cycling: it never "starts heating"
 *     after a long off, so (a) never arms, and in one shared air volume (b) is confirmed by the other
 *     sensor): the heater on for a whole watch period (rests under {@link WATCH_MIN_OFF_MS} do not
 *     count as off) while the temperature, below the band, FELL by more than `watchIncrease` is
 *     suspicious: a dead heater, or a working one at full power in a room too cold for it. The
 *     temperature alone cannot tell them apart, so the heater is held off for a diagnostic rest
 *     ({@link FALL_REST_MS}): if the air then falls no faster than while heating
 *     ({@link FALL_MIN_RATE_GAIN_C_PER_MIN}), the heater has no effect: `heater-no-heat`, latched.
 *     If it falls clearly faster, the heater works but cannot keep up: a non-latched fault, heat
 *     back on, next check after {@link FALL_RECHECK_MS} (cutting the heat of a weak heater in a cold
 *     spell would only make it colder).
 * The stuck-relay check (heater off, temperature rising) is in `interlocks/stuck-relay.ts`.
 * With no trustworthy temperature both checks pause (watch disarmed, hold timer reset): the
 * fallback duty and the sensor faults take over.
 */

/** Resolved runaway parameters of one heater (ms and °C). */
export interface RunawayParams {
  watchPeriodMs: number;
  watchIncreaseC: number;
  periodMs: number;
  hysteresisC: number;
  stuckRelayMarginC: number;
  stuckRelayMs: number;
}

type HeaterType = HeaterConfig['heaterType'];

/**
 * Defaults per heater type, minutes and °C (mapping: ceramic/radiant heater
 * watch 15-20 min with a 0.5-1 °C rise, heat mat under substrate 30-45 min; holding 3 °C for
 * 20-30 min). We take the slow end of each range (fewer false trips, as Marlin's comment advises:
 * raise the period or lower the increase rather than disable). Stuck relay: 2 °C above the band and
 * still rising after 10 min off is beyond the overshoot of a switched-off emitter (own choice).
 */
export const RUNAWAY_DEFAULTS: Record<HeaterType, Required<NonNullable<HeaterConfig['runaway']>>> = {
  'ceramic-heat-emitter': { watchPeriodMinutes: 20, watchIncreaseC: 0.5, hysteresisC: 3, periodMinutes: 30, stuckRelayMarginC: 2, stuckRelayMinutes: 10 },
  'basking-lamp': { watchPeriodMinutes: 20, watchIncreaseC: 0.5, hysteresisC: 3, periodMinutes: 30, stuckRelayMarginC: 2, stuckRelayMinutes: 10 },
  'heat-mat': { watchPeriodMinutes: 45, watchIncreaseC: 0.5, hysteresisC: 3, periodMinutes: 45, stuckRelayMarginC: 2, stuckRelayMinutes: 15 },
};

/** Extra distance below the arming threshold, °C (Marlin's `+ 1` in `start_watching_*`, halved for air). */
export const WATCH_ARM_MARGIN_C = 0.5;
/** Rise a re-armed watch window must still show, °C: above sensor noise, so "still heating". */
export const WATCH_MIN_RISE_C = 0.1;
/**
 * An off period shorter than this does not make the next start "heating starts", ms (10 min): a
 * controller restart, a forced max-on-time rest or a relay-wear pause leaves the heater where it was
 * (perhaps at full capacity in a cold room), it does not begin a heat-up.
 */
export const WATCH_MIN_OFF_MS = 10 * 60_000;

/**
 * The heater's runaway parameters: its `runaway` overrides over {@link RUNAWAY_DEFAULTS} (an absent
 * or `undefined` field takes the default). Called by two interlocks every tick, so field by field.
 */
export function runawayParams(heater: HeaterConfig): RunawayParams {
  const d = RUNAWAY_DEFAULTS[heater.heaterType];
  const o = heater.runaway;
  return {
    watchPeriodMs: (o?.watchPeriodMinutes ?? d.watchPeriodMinutes) * 60_000,
    watchIncreaseC: o?.watchIncreaseC ?? d.watchIncreaseC,
    periodMs: (o?.periodMinutes ?? d.periodMinutes) * 60_000,
    hysteresisC: o?.hysteresisC ?? d.hysteresisC,
    stuckRelayMarginC: o?.stuckRelayMarginC ?? d.stuckRelayMarginC,
    stuckRelayMs: (o?.stuckRelayMinutes ?? d.stuckRelayMinutes) * 60_000,
  };
}

/** Per-heater detector state (JSON-serialisable; times are guard ms). */
export interface RunawayState {
  phase: 'inactive' | 'first-heating' | 'stable';
  /** Setpoint the phase refers to, °C. */
  targetC: number | null;
  /** Sensor the watch and hold timer refer to. */
  sensorId: string | null;
  /** The heater was on at the previous tick (an off->on transition arms the watch). */
  wasOn: boolean;
  /** Guard time the heater last went off; `null` when unknown (never seen on: counts as long ago). */
  offSince: number | null;
  /** Armed heating watch: temperature at arming, °C, the deadline, and whether it is the first window. */
  watch: { deadline: number; baseTempC: number; first: boolean } | null;
  /** Since when the temperature is more than Y below the setpoint with the heater on. */
  belowSince: number | null;
  /** "Too weak" report of the last re-armed watch window, kept while it is heating far below. */
  weak: string | null;
  /**
   * (c) "On but falling" window: since `startedAt` (guard ms) the heater was on except `offMs`; the
   * temperature was `startC` then. Absent in states saved by older versions (treated as none).
   */
  fall?: FallState | null;
}

/**
 * State of check (c): `watch` accumulates heating time since `startedAt`; `rest` is the diagnostic
 * rest that follows a suspicious window (heater held off until `until`), `rateOn` being the fall
 * rate seen with the heater on, °C/min.
 */
export type FallState =
  | { mode: 'watch'; startedAt: number; startC: number; offMs: number; lastT: number; notBefore: number; recent: Array<[number, number]> }
  | { mode: 'rest'; startedAt: number; rateOn: number; until: number; mark: [number, number] | null };

/**
 * The fall rates compared are the latest ones, not window averages: the air cools exponentially, so
 * an average over the whole window would overstate the rate with the heater on. Heating rate: over
 * the last {@link FALL_RATE_SPAN_MS} of the window; resting rate: from {@link FALL_REST_SETTLE_MS}
 * into the rest (the element cools first) to its end. ms.
 */
export const FALL_RATE_SPAN_MS = 8 * 60_000;
export const FALL_REST_SETTLE_MS = 3 * 60_000;

/** Length of the diagnostic rest of check (c), ms: long enough for an emitter's element to cool, and shorter than {@link WATCH_MIN_OFF_MS} so the rest does not arm the heating watch (a) as a fresh heat-up. */
export const FALL_REST_MS = 8 * 60_000;
/**
 * Resting must make the air fall at least this much faster than heating did, °C/min (1.2 °C/h), for
 * the heater to count as working: a 100 W emitter in the reference enclosure changes the rate by
 * about 0.1 °C/min once its element has cooled; sensor noise over 10 min is under 0.01 °C/min.
 */
export const FALL_MIN_RATE_GAIN_C_PER_MIN = 0.02;
/** After a rest showed the heater working (too weak for the cold), the next check waits this long, ms. */
export const FALL_RECHECK_MS = 60 * 60_000;

export function initialRunawayState(): RunawayState {
  return { phase: 'inactive', targetC: null, sensorId: null, wasOn: false, offSince: null, watch: null, belowSince: null, weak: null, fall: null };
}

/** One tick's inputs for one heater. */
export interface RunawayInput {
  /** Guard time, ms. */
  t: number;
  /** The heater is actually on (applied). */
  heaterOn: boolean;
  /** Its control temperature, or null when none is trustworthy. */
  temperature: { sensorId: string; valueC: number } | null;
  /** Other trustworthy enclosure temperatures (not the control sensor, not limit probes), °C. */
  otherTemperaturesC: number[];
  /** Active setpoint and band width, °C. */
  setpointC: number;
  hysteresisC: number;
}

/**
 * `latch: true`: latch the fault and turn the heater off. `latch: false`: raise a non-latched
 * `heater-no-heat` for visibility and keep the heat on: a re-armed watch window that rose, but less
 * than `watchIncrease` (heater too weak), or a holding-check drop that another sensor confirms (real
 * cold in a cold room, not a displaced probe).
 */
export type RunawayVerdict = { ok: true; holdOff?: string } | { ok: false; kind: 'heater-no-heat' | 'thermal-runaway'; latch: boolean; message: string };

const SETPOINT_EPSILON_C = 0.01;

/**
 * Advances the detector by one tick.
 *
 * Arming follows Marlin: the watch arms when heating starts (heater on after at least
 * {@link WATCH_MIN_OFF_MS} off, or the setpoint raised while on) with the temperature far below the
 * setpoint, and re-arms at a deadline that was met. It does not arm merely because a heater that is
 * on drifts below the threshold, nor after a short off (restart, forced rest): a heater at full
 * capacity in a cold room holds or slowly loses temperature, and must not be mistaken for a dead
 * one (a cold reading never turns heat off).
 * Holding check: a drop that another sensor confirms is real cold, reported without a latch.
 */
export function stepRunaway(p: RunawayParams, prev: RunawayState, input: RunawayInput): { state: RunawayState; verdict: RunawayVerdict } {
  const { t, heaterOn, temperature, setpointC, hysteresisC } = input;
  const transition = heaterOn && !prev.wasOn && (prev.offSince === null || t - prev.offSince >= WATCH_MIN_OFF_MS);
  const offSince = heaterOn ? prev.offSince : prev.wasOn ? t : prev.offSince;
  let s: RunawayState = { ...prev, wasOn: heaterOn, offSince };
  if (temperature === null) return { state: { ...s, watch: null, belowSince: null, weak: null }, verdict: { ok: true } };
  const T = temperature.valueC;
  const raised = s.targetC !== null && setpointC > s.targetC + SETPOINT_EPSILON_C;
  if (s.targetC === null || Math.abs(s.targetC - setpointC) > SETPOINT_EPSILON_C || s.sensorId !== temperature.sensorId) {
    s = { ...s, phase: 'first-heating', targetC: setpointC, sensorId: temperature.sensorId, watch: null, belowSince: null, weak: null };
  }
  if (s.phase === 'first-heating' && T >= setpointC - hysteresisC / 2) s.phase = 'stable';

  // (a) heating watch
  const armBelow = setpointC - (p.watchIncreaseC + hysteresisC / 2 + WATCH_ARM_MARGIN_C);
  const arm = (first: boolean): RunawayState['watch'] => (T < armBelow ? { deadline: t + p.watchPeriodMs, baseTempC: T, first } : null);
  if (!heaterOn) s.watch = null;
  else if (s.watch === null) {
    if (transition || raised) s.watch = arm(true);
  } else if (t >= s.watch.deadline) {
    const w = s.watch;
    const expected = w.baseTempC + p.watchIncreaseC;
    const minutes = Math.round(p.watchPeriodMs / 60_000);
    if (T < expected && (w.first || T < w.baseTempC + WATCH_MIN_RISE_C)) {
      const message = `heater on ${minutes} min without +${p.watchIncreaseC} °C (at ${T.toFixed(1)} °C, expected ≥ ${expected.toFixed(1)} °C)`;
      return { state: { ...s, watch: null }, verdict: { ok: false, kind: 'heater-no-heat', latch: true, message } };
    }
    s.weak = T < expected ? `heater too weak: +${(T - w.baseTempC).toFixed(2)} °C in ${minutes} min at ${T.toFixed(1)} °C (watch expects +${p.watchIncreaseC} °C); heat kept on` : null;
    s.watch = arm(false);
  }
  if (s.watch === null) s.weak = null;

  // (c) on but falling, with a diagnostic rest
  const fell = stepFall(p, s.fall ?? null, t, heaterOn, T, setpointC - hysteresisC / 2);
  s.fall = fell.fall;
  if (fell.latch) return { state: s, verdict: { ok: false, kind: 'heater-no-heat', latch: true, message: fell.latch } };
  if (fell.weak) s.weak = fell.weak;
  if (fell.holdOff) return { state: s, verdict: { ok: true, holdOff: fell.holdOff } };

  // (b) holding check
  const lowC = setpointC - p.hysteresisC;
  if (s.phase === 'stable' && heaterOn && T < lowC) {
    s.belowSince ??= t;
    if (t - s.belowSince >= p.periodMs) {
      const minutes = Math.round((t - s.belowSince) / 60_000);
      const confirmed = input.otherTemperaturesC.find((v) => v < lowC);
      if (confirmed !== undefined) {
        const message = `${T.toFixed(1)} °C, more than ${p.hysteresisC} °C below setpoint ${setpointC.toFixed(1)} °C for ${minutes} min while heating; another sensor confirms (${confirmed.toFixed(1)} °C): heater too weak or dead, heat kept on`;
        return { state: s, verdict: { ok: false, kind: 'heater-no-heat', latch: false, message } };
      }
      const message = `${T.toFixed(1)} °C, more than ${p.hysteresisC} °C below setpoint ${setpointC.toFixed(1)} °C for ${minutes} min while heating (probe displaced or heater failed)`;
      return { state: { ...s, belowSince: null }, verdict: { ok: false, kind: 'thermal-runaway', latch: true, message } };
    }
  } else s.belowSince = null;
  return { state: s, verdict: s.weak ? { ok: false, kind: 'heater-no-heat', latch: false, message: s.weak } : { ok: true } };
}

/**
 * Advances check (c) of {@link stepRunaway}. The watch window (re)starts when the heater has been off
 * for {@link WATCH_MIN_OFF_MS} or the temperature is back in the band; it is judged once it holds a
 * whole watch period of heating. Returns `holdOff` while the diagnostic rest runs, `latch` when the
 * rest proved the heater has no effect, `weak` when it proved the heater works but cannot keep up.
 */
function stepFall(p: RunawayParams, prev: FallState | null, t: number, heaterOn: boolean, T: number, bandLowC: number): { fall: FallState | null; holdOff?: string; latch?: string; weak?: string } {
  const watch = (notBefore: number): FallState | null => (heaterOn && T < bandLowC ? { mode: 'watch', startedAt: t, startC: T, offMs: 0, lastT: t, notBefore, recent: [[t, T]] } : null);
  const perHour = (r: number): string => `${(r * 60).toFixed(1)} °C/h`;
  if (prev?.mode === 'rest') {
    // Back in the band (sun, room warming): the rest proves nothing; start over later.
    if (T >= bandLowC) return { fall: null };
    const mark = prev.mark ?? (t - prev.startedAt >= FALL_REST_SETTLE_MS ? ([t, T] as [number, number]) : null);
    if (t < prev.until) return { fall: { ...prev, mark }, holdOff: `no-heat check: heater rested ${Math.round(FALL_REST_MS / 60_000)} min to see whether it heats` };
    const rateOff = mark && t > mark[0] ? (mark[1] - T) / ((t - mark[0]) / 60_000) : 0;
    if (rateOff <= 0) return { fall: { mode: 'watch', startedAt: t, startC: T, offMs: 0, lastT: t, notBefore: t + FALL_RECHECK_MS, recent: [[t, T]] } };
    if (rateOff - prev.rateOn < FALL_MIN_RATE_GAIN_C_PER_MIN) {
      return { fall: null, latch: `heater on while the air fell ${perHour(prev.rateOn)}, and falling ${perHour(rateOff)} with it off: it gives no heat` };
    }
    return {
      fall: { mode: 'watch', startedAt: t, startC: T, offMs: 0, lastT: t, notBefore: t + FALL_RECHECK_MS, recent: [[t, T]] },
      weak: `heater at full power cannot keep up: air falls ${perHour(prev.rateOn)} while heating (${perHour(rateOff)} without); heat kept on`,
    };
  }
  if (T >= bandLowC) return { fall: null };
  const notBefore = prev?.notBefore ?? 0;
  if (prev === null) return { fall: watch(notBefore) };
  const offMs = prev.offMs + (heaterOn ? 0 : Math.max(0, t - prev.lastT));
  if (offMs >= WATCH_MIN_OFF_MS) return { fall: watch(notBefore) };
  // one sample a minute of the recent past, for the latest heating rate
  const recent = t - prev.recent[prev.recent.length - 1][0] >= 60_000 ? [...prev.recent, [t, T] as [number, number]].filter(([at]) => t - at <= FALL_RATE_SPAN_MS) : prev.recent;
  const onMs = t - prev.startedAt - offMs;
  if (onMs < p.watchPeriodMs) return { fall: { ...prev, offMs, lastT: t, recent } };
  const [at0, t0] = recent[0];
  const rateOn = t > at0 ? (t0 - T) / ((t - at0) / 60_000) : 0;
  if (prev.startC - T > p.watchIncreaseC && rateOn > 0 && t >= notBefore) {
    return { fall: { mode: 'rest', startedAt: t, rateOn, until: t + FALL_REST_MS, mark: null }, holdOff: 'no-heat check: heater on while the air kept falling; resting it to see whether it heats' };
  }
  return { fall: watch(notBefore) };
}
