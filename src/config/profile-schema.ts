import { Cron } from 'croner';
import { z } from 'zod';
import { Id, Name, Text } from './limits.js';

/** True when croner parses `pattern` (validated at load, so a bad schedule never reaches a tick). */
function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when a (parseable) pattern fires at least once: croner's `nextRun` returns null for a
 * date that never exists, such as day 31 of February or April. Searched from 2000-01-01 UTC, a
 * leap year, so `29 2` counts as firing; the search is bounded by croner. A pattern croner cannot
 * parse returns true here (reported by {@link isCronPattern} instead).
 */
function cronEverFires(pattern: string): boolean {
  try {
    return new Cron(pattern, { paused: true }).nextRun(new Date(Date.UTC(2000, 0, 1))) !== null;
  } catch {
    return true;
  }
}

/** `HH:MM` local time of day, 00:00..23:59. */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24 h)');

const Celsius = z.number().min(-20).max(60);
const Percent = z.number().min(0).max(100);

/** Setpoint and hysteresis for one phase of the day. °C. */
export const ThermalPhaseSchema = z.strictObject({
  /** Target air temperature, °C. */
  setpointC: Celsius,
  /** Full band width around the setpoint, °C: heat on below setpoint - h/2, off above setpoint + h/2. */
  hysteresisC: z.number().min(0.1).max(5).default(1),
});

export const PhotoperiodSchema = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('fixed'),
    /** Lights-on local time. */
    on: TimeOfDay,
    /** Lights-off local time. */
    off: TimeOfDay,
    /** Dawn/dusk ramp length for dimmable lights, minutes (0 = hard switch). */
    rampMinutes: z.number().int().min(0).max(180).default(0),
  }),
  z.strictObject({
    mode: z.literal('solar'),
    /** Latitude of the animal's habitat or the keeper's home, degrees (+N). */
    latitude: z.number().min(-90).max(90),
    /** Longitude, degrees (+E). */
    longitude: z.number().min(-180).max(180),
    /** Shift sunrise by this many minutes (+ = later). */
    sunriseOffsetMinutes: z.number().int().min(-240).max(240).default(0),
    /** Shift sunset by this many minutes (+ = later). */
    sunsetOffsetMinutes: z.number().int().min(-240).max(240).default(0),
    rampMinutes: z.number().int().min(0).max(180).default(0),
    /** Clamp: day never shorter than this (polar night), hours. */
    minDayHours: z.number().min(0).max(24).default(8),
    /** Clamp: day never longer than this (midnight sun), hours. */
    maxDayHours: z.number().min(0).max(24).default(16),
  }),
]);

/** Seasonal adjustment: applies during the listed months (1..12). */
export const SeasonSchema = z.strictObject({
  name: Name,
  months: z.array(z.number().int().min(1).max(12)).min(1),
  /** Added to day and night setpoints, °C (negative for a winter cool-down / brumation). */
  temperatureOffsetC: z.number().min(-15).max(10).default(0),
  /**
   * Lengthens (+) or shortens (-) the photoperiod symmetrically, minutes: half at each end. Fixed
   * mode shifts the wall times; solar mode shifts sunrise/sunset before the day-length clamps.
   */
  photoperiodOffsetMinutes: z.number().int().min(-360).max(360).default(0),
});

export const FeedingSchema = z.strictObject({
  /** croner pattern in the controller's time zone, e.g. `0 18 * * 1,4` (18:00 Mon and Thu). */
  schedule: z
    .string()
    .min(1)
    .max(200)
    .refine(isCronPattern, 'not a valid cron pattern (croner syntax: "minute hour day month weekday", e.g. "0 18 * * 1,4")')
    .refine(cronEverFires, 'this schedule never fires (the day does not exist in that month, e.g. 31 February)'),
  /** Hard cap of feeds per local calendar day (scheduled + manual). */
  maxPerDay: z.number().int().min(0).max(10).default(1),
  /** Minimum time between two feeds, hours. */
  minIntervalHours: z.number().min(0).max(24 * 14).default(12),
  /** A missed scheduled feed is replayed only if noticed within this many minutes. */
  graceMinutes: z.number().int().min(0).max(24 * 60).default(30),
  /** Feed only while the air temperature is within the profile's active band +/- this, °C. */
  requireTemperatureWithinC: z.number().min(0).max(20).default(3),
});

export const HumiditySchema = z.strictObject({
  /** Mist/fog while below this, %RH. */
  minPct: Percent,
  /** Fan runs above this, %RH. */
  maxPct: Percent,
  /** Longest single mister pulse, s. */
  maxPulseSeconds: z.number().min(1).max(600).default(10),
  /** Minimum time between mister pulses, minutes. */
  minIntervalMinutes: z.number().min(1).max(24 * 60).default(30),
});

/** Absolute limits: the over-temperature cutoff and alarms key off these, whatever the control does. */
export const SafetyLimitsSchema = z.strictObject({
  minC: Celsius,
  maxC: Celsius,
  maxHumidityPct: Percent,
});

/** What to do with the heater when no trustworthy temperature exists. */
export const FallbackSchema = z.strictObject({
  /** Bounded heater duty cycle by day, 0..100 % (0 = heater off). */
  heaterDutyDayPct: Percent.default(0),
  /** Bounded heater duty cycle by night, 0..100 %. */
  heaterDutyNightPct: Percent.default(0),
  /** Duty-cycle period, minutes. */
  heaterDutyPeriodMinutes: z.number().min(5).max(120).default(30),
  /** Timed misting when humidity is unknown: one pulse every N minutes (0 = off). */
  mistEveryMinutes: z.number().min(0).max(24 * 60).default(0),
});

/**
 * A species profile (`config/species/<id>.json`): what the animal needs, with sources.
 * An enclosure names one and may override any field (`enclosures[].overrides`).
 */
export const SpeciesProfileSchema = z
  .strictObject({
    id: Id,
    commonName: Name,
    scientificName: Name,
    /** Care sheets / papers the numbers come from. */
    sources: z.array(Text.min(1)).min(1).max(100),
    notes: Text.optional(),
    temperature: z.strictObject({
      day: ThermalPhaseSchema,
      night: ThermalPhaseSchema,
    }),
    humidity: HumiditySchema,
    photoperiod: PhotoperiodSchema,
    seasons: z.array(SeasonSchema).default([]),
    feeding: FeedingSchema.optional(),
    safety: SafetyLimitsSchema,
    fallback: FallbackSchema.default({ heaterDutyDayPct: 0, heaterDutyNightPct: 0, heaterDutyPeriodMinutes: 30, mistEveryMinutes: 0 }),
  })
  .superRefine((p, ctx) => {
    if (p.safety.minC >= p.safety.maxC) {
      ctx.addIssue({ code: 'custom', path: ['safety', 'maxC'], message: 'must be above safety.minC' });
    }
    for (const phase of ['day', 'night'] as const) {
      const s = p.temperature[phase];
      if (s.setpointC + s.hysteresisC / 2 >= p.safety.maxC) {
        ctx.addIssue({ code: 'custom', path: ['temperature', phase, 'setpointC'], message: `setpoint + hysteresis/2 must stay below safety.maxC (${p.safety.maxC} °C)` });
      }
      if (s.setpointC - s.hysteresisC / 2 <= p.safety.minC) {
        ctx.addIssue({ code: 'custom', path: ['temperature', phase, 'setpointC'], message: `setpoint - hysteresis/2 must stay above safety.minC (${p.safety.minC} °C)` });
      }
    }
    if (p.photoperiod.mode === 'fixed' && p.photoperiod.on === p.photoperiod.off) {
      ctx.addIssue({ code: 'custom', path: ['photoperiod', 'off'], message: 'lights-off time must differ from lights-on time' });
    }
    if (p.photoperiod.mode === 'solar' && p.photoperiod.minDayHours > p.photoperiod.maxDayHours) {
      ctx.addIssue({ code: 'custom', path: ['photoperiod', 'maxDayHours'], message: 'must not be below minDayHours' });
    }
    const monthOwner = new Map<number, string>();
    p.seasons.forEach((season, i) => {
      for (const m of season.months) {
        const prev = monthOwner.get(m);
        if (prev !== undefined) ctx.addIssue({ code: 'custom', path: ['seasons', i, 'months'], message: `month ${m} is already in season "${prev}"` });
        else monthOwner.set(m, season.name);
      }
      for (const phase of ['day', 'night'] as const) {
        const s = p.temperature[phase];
        const sp = s.setpointC + season.temperatureOffsetC;
        if (sp + s.hysteresisC / 2 >= p.safety.maxC || sp - s.hysteresisC / 2 <= p.safety.minC) {
          ctx.addIssue({ code: 'custom', path: ['seasons', i, 'temperatureOffsetC'], message: `moves the ${phase} setpoint to ${sp} °C, whose band leaves the safety limits (${p.safety.minC}..${p.safety.maxC} °C)` });
        }
      }
    });
    if (p.humidity.minPct >= p.humidity.maxPct) {
      ctx.addIssue({ code: 'custom', path: ['humidity', 'maxPct'], message: 'must be above humidity.minPct' });
    }
    if (p.humidity.maxPct > p.safety.maxHumidityPct) {
      ctx.addIssue({ code: 'custom', path: ['humidity', 'maxPct'], message: 'must not exceed safety.maxHumidityPct' });
    }
  });

export type SpeciesProfile = z.infer<typeof SpeciesProfileSchema>;
export type Photoperiod = z.infer<typeof PhotoperiodSchema>;
export type Feeding = z.infer<typeof FeedingSchema>;
export type Season = z.infer<typeof SeasonSchema>;
