import type { TopLevelSpec } from 'vega-lite';
import { type ChartData, chartData } from './chart-data.js';
import type { EnclosureReport, SimReport } from './types.js';

/** Width of the plotting area, px: about 8 px per simulated hour for a week, readable on a laptop screen. */
const WIDTH = 1400;
const RED = '#d62728';
const FAULT = '#7b2cbf';
const NIGHT = '#dde2ee';

type Obj = Record<string, unknown>;

const LEGEND = { title: null, orient: 'top', direction: 'horizontal', symbolType: 'square', columnPadding: 14 };

/** Hours between x ticks: the smallest step that keeps at most 16 labels. */
function tickHours(ms: number): number {
  const hours = ms / 3_600_000;
  for (const step of [1, 2, 3, 6, 12, 24, 48]) if (hours / step <= 16) return step;
  return 168;
}

/**
 * The panel's time axis, set once on the layer parent so every layer shares scale and axis: local
 * dates (bold, darker grid line) at midnight, local times in between (times are local-as-UTC).
 */
function xEncoding(d: ChartData): Obj {
  const step = tickHours(d.domain[1] - d.domain[0]);
  return {
    field: 't',
    type: 'temporal',
    // domainRaw, not domain: with x2 channels Vega-Lite reports an explicit temporal domain as conflicting.
    scale: { type: 'utc', domainRaw: { signal: `[${d.domain[0]}, ${d.domain[1]}]` } },
    axis: {
      title: null,
      grid: true,
      gridColor: { expr: "utchours(datum.value) == 0 ? '#9a9a9a' : '#e2e2e2'" },
      tickCount: { interval: step >= 24 ? 'day' : 'hours', step: step >= 24 ? step / 24 : step },
      labelExpr: "utchours(datum.value) == 0 ? utcFormat(datum.value, '%a %d %b') : utcFormat(datum.value, '%H:%M')",
      labelFontWeight: { expr: "utchours(datum.value) == 0 ? 'bold' : 'normal'" },
      labelOverlap: 'greedy',
    },
  };
}

/** A constant legend entry on the panel's colour scale. */
const entry = (name: string): Obj => ({ datum: name });

/** A colour scale listing only the entries present, so the legend shows what the panel draws. */
function colourScale(entries: [string, string, boolean?][]): Obj {
  const shown = entries.filter((e) => e[2] !== false);
  return { domain: shown.map((e) => e[0]), range: shown.map((e) => e[1]) };
}

/** Night shading, first layer of every panel. `colour`: a legend entry or a plain value. */
function nightsLayer(d: ChartData, colour: Obj): Obj[] {
  if (d.nights.length === 0) return [];
  return [{ data: { values: d.nights }, mark: { type: 'rect', opacity: 0.7 }, encoding: { x2: { field: 't2' }, color: colour } }];
}

/** Red spans where the true air broke an absolute limit. */
function violationLayer(values: ChartData['violations'], colour: Obj): Obj[] {
  if (values.length === 0) return [];
  return [{ data: { values }, mark: { type: 'rect', opacity: 0.6 }, encoding: { x2: { field: 't2' }, color: colour } }];
}

/** Purple lines at faults; with `labels`, their text at the top in three staggered rows. */
function faultRules(d: ChartData, labels: boolean): Obj[] {
  if (d.faults.length === 0) return [];
  const layers: Obj[] = [{ data: { values: d.faults }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { color: { value: FAULT } } }];
  if (labels) {
    for (const row of [0, 1, 2]) {
      const values = d.faults.filter((f) => f.row === row);
      if (values.length === 0) continue;
      layers.push({
        data: { values },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, fontSize: 11, fontWeight: 'bold' },
        encoding: { y: { value: 4 + 15 * row }, text: { field: 'label' }, color: { value: FAULT } },
      });
    }
  }
  return layers;
}

function temperaturePanel(d: ChartData, bandC: number): Obj {
  const bandName = `setpoint ±${bandC} °C`;
  const violations = d.violations.filter((v) => v.kind !== 'over-humidity');
  const scale = colourScale([
    ['night (lights off)', NIGHT, d.nights.length > 0],
    [bandName, '#a8dcb0'],
    ['air min–max (true)', '#9ecae1'],
    ['air mean (true)', '#1f5fa8'],
    ['setpoint', '#2b8a3e'],
    ['absolute limits', RED],
    ['limit exceeded', '#f4a3a3', violations.length > 0],
    ['fault', FAULT, d.faults.length > 0],
  ]);
  const y = (field: string): Obj => ({ field, type: 'quantitative', title: '°C', scale: { zero: false, nice: true } });
  const pts = { values: d.points };
  return {
    title: { text: 'Air temperature (true), °C', anchor: 'start', fontSize: 13 },
    width: WIDTH,
    height: 260,
    encoding: { x: xEncoding(d), color: { ...entry(bandName), scale, legend: LEGEND } },
    layer: [
      ...nightsLayer(d, entry('night (lights off)')),
      ...violationLayer(violations, entry('limit exceeded')),
      { data: pts, mark: { type: 'area', opacity: 0.7 }, encoding: { y: y('bandLo'), y2: { field: 'bandHi' }, color: entry(bandName) } },
      { data: pts, mark: { type: 'area', opacity: 0.8 }, encoding: { y: y('airMin'), y2: { field: 'airMax' }, color: entry('air min–max (true)') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [5, 3] }, encoding: { y: y('setpoint'), color: entry('setpoint') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1 }, encoding: { y: y('air'), color: entry('air mean (true)') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [8, 4] }, encoding: { y: y('limitMaxC'), color: entry('absolute limits') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [8, 4] }, encoding: { y: y('limitMinC'), color: entry('absolute limits') } },
      ...faultRules(d, true),
    ],
  };
}

function humidityPanel(d: ChartData): Obj {
  const violations = d.violations.filter((v) => v.kind === 'over-humidity');
  const scale = colourScale([
    ['night (lights off)', NIGHT, d.nights.length > 0],
    ['humidity range', '#a8dcb0'],
    ['humidity min–max (true)', '#b7d7ef'],
    ['humidity mean (true)', '#08519c'],
    ['max humidity limit', RED],
    ['limit exceeded', '#f4a3a3', violations.length > 0],
  ]);
  const y = (field: string): Obj => ({ field, type: 'quantitative', title: '%RH', scale: { domain: [0, 100] } });
  const pts = { values: d.points };
  return {
    title: { text: 'Relative humidity (true), %RH', anchor: 'start', fontSize: 13 },
    width: WIDTH,
    height: 170,
    encoding: { x: xEncoding(d), color: { ...entry('humidity range'), scale, legend: LEGEND } },
    layer: [
      ...nightsLayer(d, entry('night (lights off)')),
      ...violationLayer(violations, entry('limit exceeded')),
      { data: pts, mark: { type: 'area', opacity: 0.7 }, encoding: { y: y('humRangeLo'), y2: { field: 'humRangeHi' }, color: entry('humidity range') } },
      { data: pts, mark: { type: 'area', opacity: 0.8 }, encoding: { y: y('humMin'), y2: { field: 'humMax' }, color: entry('humidity min–max (true)') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1 }, encoding: { y: y('hum'), color: entry('humidity mean (true)') } },
      { data: pts, mark: { type: 'line', strokeWidth: 1.5, strokeDash: [8, 4] }, encoding: { y: y('limitMaxHum'), color: entry('max humidity limit') } },
      ...faultRules(d, false),
    ],
  };
}

const KIND_COLOURS: [string, string][] = [
  ['heater', '#e8590c'],
  ['mister', '#1c7ed6'],
  ['fogger', '#4dabf7'],
  ['fan', '#12b886'],
  ['light', '#f2c200'],
  ['feeder', '#795548'],
];

/** Output strips: one rect per interval an output was on, shaded by its share of the interval. */
function onTimeLayer(d: ChartData, y: Obj): Obj[] {
  if (d.onTimes.length === 0) return [];
  return [
    {
      data: { values: d.onTimes },
      mark: { type: 'rect' },
      encoding: {
        x2: { field: 't2' },
        y,
        color: { field: 'kind', type: 'nominal', scale: colourScale(KIND_COLOURS), legend: null },
        // sqrt: a 5 s mister pulse in a 10 min interval is still visible.
        opacity: { field: 'fraction', type: 'quantitative', scale: { type: 'sqrt', domain: [0, 1], range: [0.2, 1] }, legend: null },
      },
    },
  ];
}

function outputsPanel(d: ChartData): Obj {
  const y = { field: 'actuator', type: 'nominal', title: null, sort: d.actuatorOrder, scale: { domain: d.actuatorOrder, paddingInner: 0.25 } };
  const minutes = Math.round(d.bucketMs / 60_000);
  return {
    title: { text: `Outputs: shade = share of each ${minutes}-min interval the output was on (faint = a few seconds); ▼ = feed`, anchor: 'start', fontSize: 13 },
    width: WIDTH,
    height: Math.max(60, 26 * d.actuatorOrder.length),
    encoding: { x: xEncoding(d) },
    layer: [
      ...nightsLayer(d, { value: NIGHT }),
      // Invisible anchors: every output gets its row even if it never switched on.
      { data: { values: d.actuatorOrder.map((actuator) => ({ t: d.domain[0], actuator })) }, mark: { type: 'rect', opacity: 0 }, encoding: { x2: { field: 't' }, y } },
      ...onTimeLayer(d, y),
      ...(d.feeds.length
        ? [{ data: { values: d.feeds }, mark: { type: 'point', shape: 'triangle-down', size: 90, filled: true, color: '#000', opacity: 1 }, encoding: { y } }]
        : []),
      ...faultRules(d, false),
    ],
  };
}

/** Two lines under the enclosure's name: temperature and heating, then humidity and events. */
function headline(e: EnclosureReport, bandC: number): string[] {
  const heaters = Object.entries(e.actuators).filter(([, a]) => a.kind === 'heater');
  const heat = heaters.map(([id, a]) => `${id} ${a.cyclesPerHour.toFixed(1)} cycles/h, on ${a.onTimePct.toFixed(0)} % of the time`).join('; ');
  const warm = e.warmUpSeconds === null ? 'never reached the band' : `after ${Math.round(e.warmUpSeconds / 60)} min warm-up`;
  return [
    `Temperature: ${e.temperature.timeInBandPct.toFixed(1)} % of the time within ±${bandC} °C of the setpoint (${warm}), RMS error ${e.temperature.rmsError.toFixed(2)} °C${heat ? ` · ${heat}` : ''}`,
    `Humidity: ${e.humidity.timeInBandPct.toFixed(1)} % in range · ${e.faults.length} fault(s) · ${e.recoveries.length} recovery(ies) · ${e.safetyViolations.length} safety violation(s) · ${e.feeds.length} feed(s)`,
  ];
}

function localDate(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'short', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

/**
 * The Vega-Lite spec of the report chart: per enclosure three aligned panels on one local time
 * axis — air temperature against the setpoint band and absolute limits, humidity against its range
 * and limit, and output on-times as shaded strips with feeds — with the photoperiod's nights shaded,
 * faults drawn as labelled purple lines and safety-limit breaches as red spans.
 */
export function chartSpec(report: SimReport): TopLevelSpec {
  const days = report.simulatedSeconds / 86_400;
  const seed = report.meta.seed === undefined ? '' : `, seed ${String(report.meta.seed)}`;
  const sections = report.enclosures.map((e) => {
    const series = report.series[e.id];
    const d = chartData(series, e, report.temperatureBandC, report.timezone);
    return {
      title: { text: e.name, subtitle: headline(e, report.temperatureBandC), anchor: 'start', fontSize: 15, subtitleFontSize: 12, limit: WIDTH },
      vconcat: [temperaturePanel(d, report.temperatureBandC), humidityPanel(d), outputsPanel(d)],
      spacing: 14,
      resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: 'Terrarium simulation report',
      subtitle: `${days.toFixed(1)} simulated days from ${localDate(report.startedAt, report.timezone)} (times in ${report.timezone})${seed}`,
      anchor: 'start',
      fontSize: 18,
      subtitleFontSize: 12,
    },
    background: 'white',
    padding: 16,
    vconcat: sections,
    spacing: 36,
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 11, labelLimit: 0 }, view: { stroke: '#ccc' } },
  } as unknown as TopLevelSpec;
}
