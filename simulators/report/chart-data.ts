import { LocalTime } from '../physics/local-time.js';
import type { EnclosureReport, EnclosureSeries } from './types.js';

/** Chart buckets tried, ms: the smallest that keeps a panel under {@link MAX_POINTS} points. */
const NICE_BUCKETS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360].map((m) => m * 60_000);
const MAX_POINTS = 1500;

/** One chart bucket of one enclosure. Times are local-as-UTC ms (see {@link LocalTime.toLocalAsUtc}). */
export interface ChartPoint {
  t: number;
  t2: number;
  airMin: number;
  airMax: number;
  air: number;
  setpoint: number;
  bandLo: number;
  bandHi: number;
  limitMinC: number;
  limitMaxC: number;
  humMin: number;
  humMax: number;
  hum: number;
  humRangeLo: number;
  humRangeHi: number;
  limitMaxHum: number;
  light: number;
}

export interface ChartData {
  points: ChartPoint[];
  /** Photoperiod night (light level below 0.5), local-as-UTC ms. */
  nights: { t: number; t2: number }[];
  /** Per actuator and bucket: share of time on (only buckets where it was on). */
  onTimes: { t: number; t2: number; actuator: string; kind: string; fraction: number }[];
  actuatorOrder: string[];
  faults: { t: number; label: string; row: number }[];
  feeds: { t: number; actuator: string; label: string }[];
  violations: { t: number; t2: number; kind: string }[];
  bucketMs: number;
  domain: [number, number];
}

/** Picks the chart bucket for a run of `durationMs` recorded at `baseMs` per point. */
export function chartBucketMs(durationMs: number, baseMs: number): number {
  for (const b of NICE_BUCKETS_MS) if (b >= baseMs && durationMs / b <= MAX_POINTS) return b;
  return Math.max(baseMs, NICE_BUCKETS_MS[NICE_BUCKETS_MS.length - 1]);
}

/**
 * Turns one enclosure's recorded series and events into chart rows: re-buckets to at most ~1500
 * points, shifts times into the report's zone (the chart reads them as UTC, so the axis shows
 * local dates and times whatever the machine's zone), finds night intervals, and groups fault
 * labels that would overlap (within 2 % of the time range) into one label with a count.
 */
export function chartData(series: EnclosureSeries, enclosure: EnclosureReport, bandC: number, timezone: string): ChartData {
  const local = new LocalTime(timezone);
  const n = series.t.length;
  const start = n ? series.t[0] : 0;
  const end = n ? series.t[n - 1] + series.bucketMs : 0;
  const bucketMs = chartBucketMs(end - start, series.bucketMs);
  const points: ChartPoint[] = [];
  const ids = Object.keys(series.actuators).filter((id) => series.actuators[id].kind !== 'cutoff');
  const onTimes: ChartData['onTimes'] = [];
  const label = (id: string): string => (id === series.actuators[id].kind ? id : `${id} (${series.actuators[id].kind})`);

  for (let i = 0; i < n; ) {
    const key = Math.floor(series.t[i] / bucketMs);
    let j = i;
    let airSum = 0;
    let humSum = 0;
    let setSum = 0;
    let lightSum = 0;
    let airMin = Infinity;
    let airMax = -Infinity;
    let humMin = Infinity;
    let humMax = -Infinity;
    const on = new Array<number>(ids.length).fill(0);
    while (j < n && Math.floor(series.t[j] / bucketMs) === key) {
      airSum += series.airMean[j];
      humSum += series.humidityMean[j];
      setSum += series.setpointC[j];
      lightSum += series.lightLevel[j];
      airMin = Math.min(airMin, series.airMin[j]);
      airMax = Math.max(airMax, series.airMax[j]);
      humMin = Math.min(humMin, series.humidityMin[j]);
      humMax = Math.max(humMax, series.humidityMax[j]);
      ids.forEach((id, k) => (on[k] += series.actuators[id].onFraction[j]));
      j++;
    }
    const count = j - i;
    const t = local.toLocalAsUtc(key * bucketMs);
    const t2 = t + bucketMs;
    const setpoint = setSum / count;
    points.push({
      t,
      t2,
      airMin,
      airMax,
      air: airSum / count,
      setpoint,
      bandLo: setpoint - bandC,
      bandHi: setpoint + bandC,
      limitMinC: series.limitMinC[j - 1],
      limitMaxC: series.limitMaxC[j - 1],
      humMin,
      humMax,
      hum: humSum / count,
      humRangeLo: series.humidityMinPct[j - 1],
      humRangeHi: series.humidityMaxPct[j - 1],
      limitMaxHum: series.limitMaxHumidityPct[j - 1],
      light: lightSum / count,
    });
    ids.forEach((id, k) => {
      if (on[k] > 0) onTimes.push({ t, t2, actuator: label(id), kind: series.actuators[id].kind, fraction: on[k] / count });
    });
    i = j;
  }

  const nights: ChartData['nights'] = [];
  for (const p of points) {
    const last = nights[nights.length - 1];
    if (p.light >= 0.5) continue;
    if (last && last.t2 === p.t) last.t2 = p.t2;
    else nights.push({ t: p.t, t2: p.t2 });
  }

  const domain: [number, number] = [local.toLocalAsUtc(start), local.toLocalAsUtc(end)];
  const window = (domain[1] - domain[0]) * 0.02;
  const faults: ChartData['faults'] = [];
  let group: { t: number; first: string; count: number } | null = null;
  const pushGroup = (): void => {
    if (group) faults.push({ t: group.t, label: group.count > 1 ? `${group.first} +${group.count - 1}` : group.first, row: faults.length % 3 });
  };
  for (const f of enclosure.faults) {
    const t = local.toLocalAsUtc(f.at);
    if (group && t - group.t <= window) group.count++;
    else {
      pushGroup();
      group = { t, first: `${f.kind} (${f.component})`, count: 1 };
    }
  }
  pushGroup();

  const feeds = enclosure.feeds
    .filter((f) => series.actuators[f.actuatorId])
    .map((f) => ({ t: local.toLocalAsUtc(f.at), actuator: label(f.actuatorId), label: `feed (${f.reason})` }));
  // At least 0.3 % of the width (about 4 px), so a few minutes over a limit stays visible on a week.
  const minSpan = (domain[1] - domain[0]) * 0.003;
  const violations = enclosure.safetyViolations.map((v) => {
    const t = local.toLocalAsUtc(v.from);
    return { t, t2: Math.max(local.toLocalAsUtc(v.to), t + minSpan), kind: v.kind };
  });
  return { points, nights, onTimes, actuatorOrder: ids.map(label), faults, feeds, violations, bucketMs, domain };
}
