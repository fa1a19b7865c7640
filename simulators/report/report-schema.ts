import { z } from 'zod';

/**
 * The contract of `report.json`: every field a tool may read to judge a run, checked by a test
 * against a real report and against the field list of docs/simulation.md. Times are ISO 8601 UTC
 * strings; durations in seconds unless the name says ms; temperatures °C, humidity %RH. Objects are
 * strict: a field added to the report must be added here and to the documentation.
 */

const Iso = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const Quality = z.strictObject({
  timeInBandPct: z.number(),
  rmsError: z.number(),
  maxAbove: z.number(),
  maxBelow: z.number(),
  unit: z.string(),
  reference: z.string(),
});
const Quantiles = z.strictObject({ p50: z.number(), p99: z.number(), max: z.number() });

export const ReportFaultSchema = z.strictObject({
  kind: z.string(),
  component: z.string(),
  at: Iso,
  message: z.string().optional(),
  event: z.number().int().min(0).nullable(),
  sinceEventSeconds: z.number().nullable(),
  falseAlarm: z.boolean(),
});

export const ReportEnclosureSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  ticks: z.number().int(),
  warmUpSeconds: z.number().nullable(),
  measuredFrom: Iso.nullable(),
  temperature: Quality,
  humidity: Quality,
  actuators: z.record(z.string(), z.strictObject({ kind: z.string(), cycles: z.number().int(), onTimePct: z.number(), cyclesPerHour: z.number() })),
  feeds: z.array(z.strictObject({ actuatorId: z.string(), at: Iso, monotonicSeconds: z.number().nullable(), reason: z.string() })),
  faults: z.array(ReportFaultSchema),
  recoveries: z.array(z.strictObject({ component: z.string(), detectedAt: Iso, recoveredAt: Iso, seconds: z.number(), action: z.string().optional() })),
  safetyViolations: z.array(
    z.strictObject({
      kind: z.enum(['over-temperature', 'under-temperature', 'over-humidity']),
      from: Iso,
      to: Iso,
      worst: z.number(),
      limit: z.number(),
      limitName: z.string(),
      node: z.string(),
      seconds: z.number(),
    }),
  ),
  falseAlarms: z.array(ReportFaultSchema),
  trueRanges: z.record(z.string(), z.strictObject({ unit: z.enum(['°C', '%RH']), min: z.number(), minAt: Iso, max: z.number(), maxAt: Iso })),
  modeTimeline: z.array(z.strictObject({ mode: z.enum(['normal', 'degraded', 'safe', 'manual', 'down', 'hung']), from: Iso, to: Iso, seconds: z.number() })),
});

export const ReportInjectedSchema = z.strictObject({
  index: z.number().int().min(0),
  kind: z.string(),
  at: Iso,
  monotonicSeconds: z.number(),
  enclosure: z.string().nullable(),
  device: z.string().nullable(),
  bus: z.number().int().nullable(),
  fields: z.record(z.string(), z.unknown()),
  durationSeconds: z.number().nullable(),
  clearedAt: Iso.nullable(),
  touches: z.strictObject({ scope: z.enum(['process', 'room', 'enclosure', 'bus', 'device']), all: z.boolean(), components: z.record(z.string(), z.array(z.string())) }),
  recovery: z
    .strictObject({
      seconds: z.number().nullable(),
      components: z.array(z.strictObject({ enclosureId: z.string(), component: z.string(), seconds: z.number().nullable() })),
    })
    .nullable(),
});

export const ReportTickTimingSchema = z.strictObject({
  periodMs: z.number(),
  ticks: z.number().int(),
  latenessMs: Quantiles,
  durationMs: Quantiles,
  overruns: z.number().int(),
  skippedPeriods: z.number().int(),
  criterion: z.strictObject({ p99LatenessMaxMs: z.number() }),
  holds: z.boolean(),
});

export const ReportJsonSchema = z.strictObject({
  timezone: z.string(),
  startedAt: Iso,
  endedAt: Iso,
  ticks: z.number().int(),
  tickSeconds: z.number(),
  simulatedSeconds: z.number(),
  wallSeconds: z.number(),
  ticksPerWallSecond: z.number().nullable(),
  temperatureBandC: z.number(),
  meta: z.record(z.string(), z.unknown()),
  notes: z.array(z.string()),
  enclosures: z.array(ReportEnclosureSchema),
  injected: z.array(ReportInjectedSchema),
  tickTiming: ReportTickTimingSchema.nullable(),
  verdict: z.strictObject({
    safetyViolations: z.number().int(),
    falseAlarms: z.number().int(),
    unrecoveredInjections: z.number().int(),
    tickPeriodHolds: z.boolean().nullable(),
  }),
});

/** `report.json` as parsed. */
export type ReportJson = z.infer<typeof ReportJsonSchema>;

/**
 * Every field path of the contract, e.g. `enclosures[].faults[].sinceEventSeconds`; arrays are
 * written `[]`, records (keyed by id or name) `{}`: `enclosures[].trueRanges{}.min`. The
 * documentation lists the same paths.
 */
export function reportFieldPaths(schema: z.ZodType = ReportJsonSchema, prefix = ''): string[] {
  const def = schema.def as { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; shape?: Record<string, z.ZodType> };
  switch (def.type) {
    case 'nullable':
    case 'optional':
      return reportFieldPaths(def.innerType as z.ZodType, prefix);
    case 'array':
      return reportFieldPaths(def.element as z.ZodType, `${prefix}[]`);
    case 'record':
      return reportFieldPaths(def.valueType as z.ZodType, `${prefix}{}`);
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        return [path, ...reportFieldPaths(v, path)];
      });
    default:
      return [];
  }
}
