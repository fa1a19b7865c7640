import { getTimes } from 'suncalc';
import type { Photoperiod, Season } from '../config/profile-schema.js';
import { type LocalDate, addDays, localDateTime, minutesOfDay, zonedTimeToUtc } from './local-time.js';
import type { DayPhase } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Lowest level a dimmable light gets while it is on (first instant of dawn, last of dusk), 0..1:
 * "on" never means "on at 0 %".
 */
export const MIN_LIT_LEVEL = 0.01;

/** One day's lit period: lights on at `onAt`, off at `offAt` (wall ms, `offAt >= onAt`). */
export interface LightWindow {
  onAt: number;
  offAt: number;
}

/** Where the photoperiod is at a given instant. */
export interface PhotoperiodState {
  /**
   * `dawn` and `dusk` are the first and last `rampMinutes` of the lit period (lights on, ramping up
   * or down); `day` is the rest of it; `night` is everything outside it.
   */
  phase: DayPhase;
  /** Light level 0..1: 0 at night, ramps linearly over dawn and dusk (never below {@link MIN_LIT_LEVEL} while lit). */
  lightLevel: number;
  /** Lights-on / lights-off of the current lit period, or of today's when it is night (wall ms). */
  lightsOnAt: number;
  lightsOffAt: number;
  /** Local month 1..12 at `now` (drives seasons). */
  localMonth: number;
  /** The season in force, or `null`. */
  season: Season | null;
}

/** The season whose `months` contain `month` (1..12); the first one listed wins; `null` if none. */
export function activeSeason(seasons: readonly Season[], month: number): Season | null {
  return seasons.find((s) => s.months.includes(month)) ?? null;
}

/** Shrinks or stretches `w` symmetrically about its midpoint so its length is within [minMs, maxMs]. */
function clampLength(w: LightWindow, minMs: number, maxMs: number): LightWindow {
  const len = w.offAt - w.onAt;
  const target = Math.min(Math.max(len, minMs), maxMs);
  if (target === len) return w;
  const mid = (w.onAt + w.offAt) / 2;
  return { onAt: mid - target / 2, offAt: mid + target / 2 };
}

/**
 * The lit period that starts on local date `date`.
 *
 * - `fixed`: lights on at `on` and off at `off` local wall time in `timezone` (DST-correct; an
 *   `off` earlier than `on` ends the next day); the season's `photoperiodOffsetMinutes` moves each
 *   end by half, in wall minutes.
 * - `solar`: sunrise and sunset (upper limb at -0.833°, suncalc after Meeus, *Astronomical
 *   Algorithms*) at the profile's latitude/longitude for the solar day around local noon of `date`,
 *   plus `sunriseOffsetMinutes`/`sunsetOffsetMinutes` and the season's offset, then clamped about
 *   its midpoint to [`minDayHours`, `maxDayHours`]. Polar day/night use the clamp length centred
 *   on solar noon. Latitude and longitude are used as given: sunrise is the real instant there.
 */
export function lightWindow(p: Photoperiod, season: Season | null, date: LocalDate, timezone: string): LightWindow {
  const extra = season?.photoperiodOffsetMinutes ?? 0;
  if (p.mode === 'fixed') {
    const on = minutesOfDay(p.on);
    let off = minutesOfDay(p.off);
    if (off <= on) off += 24 * 60;
    const onMin = on - extra / 2;
    const offMin = Math.max(onMin, off + extra / 2);
    const w = { onAt: zonedTimeToUtc(date, onMin, timezone), offAt: zonedTimeToUtc(date, offMin, timezone) };
    return clampLength(w, 0, DAY_MS);
  }
  const noon = zonedTimeToUtc(date, 12 * 60, timezone);
  const t = getTimes(new Date(noon), p.latitude, p.longitude);
  const minMs = p.minDayHours * HOUR_MS;
  const maxMs = p.maxDayHours * HOUR_MS;
  if (!t.sunrise || !t.sunset) {
    const len = t.alwaysUp ? maxMs : minMs;
    const mid = t.solarNoon.getTime();
    return { onAt: mid - len / 2, offAt: mid + len / 2 };
  }
  const onAt = t.sunrise.getTime() + (p.sunriseOffsetMinutes - extra / 2) * MINUTE_MS;
  const offAt = Math.max(onAt, t.sunset.getTime() + (p.sunsetOffsetMinutes + extra / 2) * MINUTE_MS);
  return clampLength({ onAt, offAt }, minMs, maxMs);
}

/**
 * Everything about the local calendar day containing an instant that the photoperiod needs; valid
 * for any `now` in [`dayStart`, `dayEnd`), so a caller may keep it for the day (JSON-serialisable).
 */
export interface PhotoperiodDay {
  /** Local midnight that starts the day, and the next one (wall ms; 23 or 25 h apart on DST days). */
  dayStart: number;
  dayEnd: number;
  localMonth: number;
  season: Season | null;
  /** The lit period starting this day, and the one that started the day before. */
  today: LightWindow;
  yesterday: LightWindow;
}

/**
 * The {@link PhotoperiodDay} of the local date containing `now` in `timezone`.
 * @throws TimeZoneError for an unknown `timezone`
 */
export function photoperiodDay(p: Photoperiod, seasons: readonly Season[], now: number, timezone: string): PhotoperiodDay {
  const local = localDateTime(now, timezone);
  const season = activeSeason(seasons, local.month);
  return {
    dayStart: zonedTimeToUtc(local, 0, timezone),
    dayEnd: zonedTimeToUtc(addDays(local, 1), 0, timezone),
    localMonth: local.month,
    season,
    today: lightWindow(p, season, local, timezone),
    yesterday: lightWindow(p, season, addDays(local, -1), timezone),
  };
}

/**
 * The photoperiod at `now` from a {@link PhotoperiodDay} that contains `now` (pure arithmetic).
 * The current lit period is today's, or yesterday's if that one runs past midnight and has not
 * ended yet.
 */
export function photoperiodInDay(day: PhotoperiodDay, rampMinutes: number, now: number): PhotoperiodState {
  const w = now < day.today.onAt && now < day.yesterday.offAt ? day.yesterday : day.today;
  let phase: DayPhase = 'day';
  let lightLevel = 1;
  const rampMs = Math.min(rampMinutes * MINUTE_MS, (w.offAt - w.onAt) / 2);
  if (now < w.onAt || now >= w.offAt) {
    phase = 'night';
    lightLevel = 0;
  } else if (rampMs > 0 && now < w.onAt + rampMs) {
    phase = 'dawn';
    lightLevel = Math.max(MIN_LIT_LEVEL, (now - w.onAt) / rampMs);
  } else if (rampMs > 0 && now >= w.offAt - rampMs) {
    phase = 'dusk';
    lightLevel = Math.max(MIN_LIT_LEVEL, (w.offAt - now) / rampMs);
  }
  // One literal, no spread: this runs every tick.
  return { lightsOnAt: w.onAt, lightsOffAt: w.offAt, localMonth: day.localMonth, season: day.season, phase, lightLevel };
}

/**
 * The photoperiod at `now` (wall ms), computed as a level from `now` alone, never from cron edges,
 * so it is right after a reboot, a missed tick, a clock step or a DST change.
 * Same as {@link photoperiodInDay} of {@link photoperiodDay}; the planner caches the day.
 * @throws TimeZoneError for an unknown `timezone`
 */
export function photoperiodAt(p: Photoperiod, seasons: readonly Season[], now: number, timezone: string): PhotoperiodState {
  return photoperiodInDay(photoperiodDay(p, seasons, now, timezone), p.rampMinutes, now);
}
