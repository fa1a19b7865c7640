import type { ReportJson } from './report-schema.js';
import type { AttributedFault, EnclosureReport, InjectedEvent, QualityMetrics, SimReport, TickTimingFigures } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const round = (x: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

type EnclosureJson = ReportJson['enclosures'][number];

function quality(q: QualityMetrics, unit: string, reference: string): EnclosureJson['temperature'] {
  return {
    timeInBandPct: round(q.timeInBandPct),
    rmsError: round(q.rmsError),
    maxAbove: round(q.maxAbove),
    maxBelow: round(q.maxBelow),
    unit,
    reference,
  };
}

function faultJson(f: AttributedFault): EnclosureJson['faults'][number] {
  return {
    kind: f.kind,
    component: f.component,
    at: iso(f.at),
    ...(f.message ? { message: f.message } : {}),
    event: f.event,
    sinceEventSeconds: f.sinceEventSeconds === null ? null : round(f.sinceEventSeconds),
    falseAlarm: f.falseAlarm,
  };
}

function enclosureJson(e: EnclosureReport, bandC: number): EnclosureJson {
  const actuators: EnclosureJson['actuators'] = {};
  for (const [id, a] of Object.entries(e.actuators)) {
    actuators[id] = { kind: a.kind, cycles: a.cycles, onTimePct: round(a.onTimePct), cyclesPerHour: round(a.cyclesPerHour) };
  }
  return {
    id: e.id,
    name: e.name,
    ticks: e.ticks,
    warmUpSeconds: e.warmUpSeconds,
    measuredFrom: e.measuredFrom === null ? null : iso(e.measuredFrom),
    temperature: quality(e.temperature, '°C', `true air temperature vs the active setpoint; in band within ±${bandC} °C`),
    humidity: quality(e.humidity, '%RH', 'true air humidity vs the profile range [minPct, maxPct]; error 0 inside'),
    actuators,
    feeds: e.feeds.map((f) => ({ actuatorId: f.actuatorId, at: iso(f.at), monotonicSeconds: f.mono === undefined ? null : round(f.mono / 1000), reason: f.reason })),
    faults: e.faults.map(faultJson),
    recoveries: e.recoveries.map((r) => ({
      component: r.component,
      detectedAt: iso(r.detectedAt),
      recoveredAt: iso(r.recoveredAt),
      seconds: round((r.recoveredAt - r.detectedAt) / 1000),
      ...(r.action ? { action: r.action } : {}),
    })),
    safetyViolations: e.safetyViolations.map((v) => ({
      kind: v.kind,
      from: iso(v.from),
      to: iso(v.to),
      worst: round(v.worst),
      limit: v.limit,
      limitName: v.limitName ?? '',
      node: v.node ?? '',
      seconds: v.seconds,
    })),
    falseAlarms: e.falseAlarms.map(faultJson),
    trueRanges: Object.fromEntries(Object.entries(e.trueRanges).map(([k, r]) => [k, { unit: r.unit, min: round(r.min), minAt: iso(r.minAt), max: round(r.max), maxAt: iso(r.maxAt) }])),
    modeTimeline: e.modeTimeline.map((m) => ({ mode: m.mode, from: iso(m.from), to: iso(m.to), seconds: round((m.to - m.from) / 1000) })),
  };
}

function injectedJson(ev: InjectedEvent, index: number): ReportJson['injected'][number] {
  const recovery = ev.recovery;
  // The event is recovered when its last component is: the slowest, or null if any never was.
  const times = recovery?.map((r) => r.seconds) ?? [];
  const seconds = times.includes(null) ? null : Math.max(0, ...(times as number[]));
  return {
    index,
    kind: ev.kind,
    at: iso(ev.at),
    monotonicSeconds: round(ev.mono / 1000),
    enclosure: ev.enclosure,
    device: ev.device,
    bus: ev.bus,
    fields: ev.fields,
    durationSeconds: ev.durationSeconds,
    clearedAt: ev.clearedAt === null ? null : iso(ev.clearedAt),
    touches: { scope: ev.touches.scope, all: ev.touches.all, components: ev.touches.components },
    recovery: recovery ? { seconds: seconds === null ? null : round(seconds), components: recovery.map((r) => ({ ...r, seconds: r.seconds === null ? null : round(r.seconds) })) } : null,
  };
}

function tickTimingJson(t: TickTimingFigures | null): ReportJson['tickTiming'] {
  if (!t) return null;
  const q = (x: TickTimingFigures['lateness']) => ({ p50: round(x.p50), p99: round(x.p99), max: round(x.max) });
  return {
    periodMs: t.periodMs,
    ticks: t.ticks,
    latenessMs: q(t.lateness),
    durationMs: q(t.duration),
    overruns: t.overruns,
    skippedPeriods: t.skippedPeriods,
    criterion: t.criterion,
    holds: t.holds,
  };
}

/**
 * The `report.json` document: the report without its chart series, times as ISO 8601 (UTC),
 * figures rounded to 3 decimals, with a note on how they were measured.
 */
export function reportJson(report: SimReport): ReportJson {
  const injected = report.injected.map(injectedJson);
  return {
    timezone: report.timezone,
    startedAt: iso(report.startedAt),
    endedAt: iso(report.endedAt),
    ticks: report.ticks,
    tickSeconds: report.tickSeconds,
    simulatedSeconds: round(report.simulatedSeconds),
    wallSeconds: round(report.wallSeconds),
    ticksPerWallSecond: report.wallSeconds > 0 ? Math.round(report.ticks / report.wallSeconds) : null,
    temperatureBandC: report.temperatureBandC,
    meta: report.meta,
    notes: [
      'Figures use the simulated true air temperature and humidity (what the animal feels), not sensor readings.',
      `Temperature, humidity and actuator figures are measured after warm-up: from the first tick the air was within ±${report.temperatureBandC} °C of the active setpoint (warmUpSeconds, measuredFrom); if it never was, they cover the whole run and warmUpSeconds is null.`,
      'Feeds, faults, recoveries and safety violations (true air outside the profile\'s absolute limits) cover the whole run.',
    ],
    enclosures: report.enclosures.map((e) => enclosureJson(e, report.temperatureBandC)),
    injected,
    tickTiming: tickTimingJson(report.tickTiming),
    verdict: {
      safetyViolations: report.enclosures.reduce((n, e) => n + e.safetyViolations.length, 0),
      falseAlarms: report.enclosures.reduce((n, e) => n + e.falseAlarms.length, 0),
      unrecoveredInjections: injected.filter((i) => i.recovery !== null && i.recovery.seconds === null).length,
      tickPeriodHolds: report.tickTiming ? report.tickTiming.holds : null,
    },
  };
}
