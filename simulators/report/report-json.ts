import type { EnclosureReport, QualityMetrics, SimReport } from './types.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const round = (x: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

function quality(q: QualityMetrics, unit: string, reference: string): Record<string, unknown> {
  return {
    timeInBandPct: round(q.timeInBandPct),
    rmsError: round(q.rmsError),
    maxAbove: round(q.maxAbove),
    maxBelow: round(q.maxBelow),
    unit,
    reference,
  };
}

function enclosureJson(e: EnclosureReport, bandC: number): Record<string, unknown> {
  const actuators: Record<string, unknown> = {};
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
    feeds: e.feeds.map((f) => ({ actuatorId: f.actuatorId, at: iso(f.at), reason: f.reason })),
    faults: e.faults.map((f) => ({ kind: f.kind, component: f.component, at: iso(f.at), ...(f.message ? { message: f.message } : {}) })),
    recoveries: e.recoveries.map((r) => ({
      component: r.component,
      detectedAt: iso(r.detectedAt),
      recoveredAt: iso(r.recoveredAt),
      seconds: round((r.recoveredAt - r.detectedAt) / 1000),
      ...(r.action ? { action: r.action } : {}),
    })),
    safetyViolations: e.safetyViolations.map((v) => ({ kind: v.kind, from: iso(v.from), to: iso(v.to), worst: round(v.worst), limit: v.limit, seconds: v.seconds })),
  };
}

/**
 * The `report.json` document: the report without its chart series, times as ISO 8601 (UTC),
 * figures rounded to 3 decimals, with a note on how they were measured.
 */
export function reportJson(report: SimReport): Record<string, unknown> {
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
  };
}
