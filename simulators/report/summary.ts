import type { EnclosureReport, SimReport } from './types.js';

const fixed = (x: number, d = 1): string => x.toFixed(d);

function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86_400) return `${fixed(seconds / 3600)} h`;
  return `${fixed(seconds / 86_400)} days`;
}

function list<T>(items: T[], show: (x: T) => string, max = 4): string {
  if (items.length === 0) return 'none';
  const shown = items.slice(0, max).map(show).join('; ');
  return items.length > max ? `${items.length}: ${shown}; ...` : `${items.length}: ${shown}`;
}

function enclosureLines(e: EnclosureReport, band: number, when: (ms: number) => string): string[] {
  const t = e.temperature;
  const h = e.humidity;
  const warm = e.warmUpSeconds === null ? 'never reached the band: figures cover the whole run' : `after ${duration(e.warmUpSeconds)} warm-up`;
  const lines = [
    `${e.name} (${e.id})`,
    `  temperature  ${fixed(t.timeInBandPct)} % within ±${band} °C of setpoint, RMS ${fixed(t.rmsError, 2)} °C, worst +${fixed(t.maxAbove)}/-${fixed(t.maxBelow)} °C (${warm})`,
    `  humidity     ${fixed(h.timeInBandPct)} % within range, RMS ${fixed(h.rmsError, 1)} %RH, worst +${fixed(h.maxAbove)}/-${fixed(h.maxBelow)} %RH`,
  ];
  for (const [id, a] of Object.entries(e.actuators)) {
    if (a.kind === 'feeder' || a.kind === 'cutoff') continue;
    lines.push(`  ${id.padEnd(12)} ${a.kind}: ${fixed(a.cyclesPerHour, 2)} cycles/h (${a.cycles}), on ${fixed(a.onTimePct)} %`);
  }
  lines.push(`  feeds        ${list(e.feeds, (f) => `${when(f.at)} ${f.reason}`)}`);
  lines.push(`  faults       ${list(e.faults, (f) => `${f.kind} ${f.component} at ${when(f.at)}`)}`);
  lines.push(`  recoveries   ${list(e.recoveries, (r) => `${r.component} ${when(r.detectedAt)} -> ${duration((r.recoveredAt - r.detectedAt) / 1000)}`)}`);
  const unit = (k: string): string => (k === 'over-humidity' ? '%RH' : '°C');
  lines.push(`  safety       ${list(e.safetyViolations, (v) => `${v.kind} ${when(v.from)} for ${duration(v.seconds)}, worst ${fixed(v.worst)} ${unit(v.kind)}`)}`);
  lines.push(`  false alarms ${list(e.falseAlarms, (f) => `${f.kind} ${f.component} at ${when(f.at)}`)}`);
  return lines;
}

/**
 * The short human summary `terrarium simulate` prints: run totals, then per enclosure time in
 * band, RMS, worst excursions, cycles per hour and on-time per actuator, feeds, faults,
 * recoveries and safety violations, with local times in the report's time zone.
 */
export function formatSummary(report: SimReport): string {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: report.timezone,
    weekday: 'short',
    day: '2-digit',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const when = (ms: number): string => fmt.format(new Date(ms)).replace(',', '');
  const speed = report.wallSeconds > 0 ? `, ${Math.round(report.ticks / report.wallSeconds).toLocaleString('en-US')} ticks/s` : '';
  const head = `Simulated ${duration(report.simulatedSeconds)} (${report.ticks.toLocaleString('en-US')} ticks) in ${fixed(report.wallSeconds, 1)} s${speed}; times in ${report.timezone}.`;
  const t = report.tickTiming;
  const timing = t
    ? [`Tick lateness p50 ${fixed(t.lateness.p50)} / p99 ${fixed(t.lateness.p99)} / max ${fixed(t.lateness.max)} ms (period ${t.periodMs} ms, ${t.skippedPeriods} periods skipped): ${t.holds ? 'holds' : 'does not hold'} (p99 <= ${t.criterion.p99LatenessMaxMs} ms).`]
    : [];
  return [head, ...timing, ...report.enclosures.flatMap((e) => enclosureLines(e, report.temperatureBandC, when))].join('\n');
}
