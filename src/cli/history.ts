import { historyFile, historyRetention } from '../config/history-schema.js';
import { TerrariumError } from '../errors.js';
import type { Clock } from '../hal/clock.js';
import { SystemClock } from '../hal/system-clock.js';
import { chooseResolution, HistoryStore, publicPoint } from '../history/history-store.js';
import type { HistoryEvent, HistoryPoint } from '../history/types.js';
import { createPlatform, type Platform } from '../platform/platform.js';
import { EXIT, reportFatal } from './exit.js';
import { resolveConfig } from './resolve-config.js';

/** A `terrarium history` request the user can fix (unknown enclosure, no history section, bad time): exit 2. */
export class HistoryQueryError extends TerrariumError {
  constructor(message: string) {
    super('HISTORY_QUERY', message);
  }
}

export interface HistoryOptions {
  config?: string;
  enclosure: string;
  /** A duration back from now (`24h`, `7d`, `90m`, `30s`, `2w`) or an ISO 8601 time; default `24h`. */
  since?: string;
  /** As `since`; default now. */
  until?: string;
  csv?: boolean;
  json?: boolean;
  /** Print the events instead of the points. */
  events?: boolean;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time given on the command line, as wall ms: a duration back from `now` (`<number><s|m|h|d|w>`,
 * e.g. `24h`, `1.5d`) or an ISO 8601 date/time (`2026-06-01`, `2026-06-01T12:00Z`).
 * @throws HistoryQueryError naming the option and the accepted forms
 */
export function parseWhen(option: string, text: string, now: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (m) return now - Number(m[1]) * UNIT_MS[m[2]];
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
  }
  throw new HistoryQueryError(`${option} "${text}": not a duration (e.g. 24h, 7d, 90m, 2w) or an ISO time (e.g. 2026-06-01T12:00Z)`);
}

/** `YYYY-MM-DD HH:MM` in `timeZone`. */
function localTime(t: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
}

const num = (v: number | null, digits: number): string => (v === null ? '' : v.toFixed(digits));

/** Quotes a CSV field when needed (RFC 4180). */
function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Output ids over all points, in first-seen order. */
function outputIds(points: readonly HistoryPoint[]): string[] {
  const ids = new Set<string>();
  for (const p of points) for (const id of Object.keys(p.outputs)) ids.add(id);
  return [...ids];
}

function pointsCsv(points: readonly HistoryPoint[]): string {
  const ids = outputIds(points);
  const head = ['time', 'temperatureC', 'minC', 'maxC', 'humidityPct', 'setpointC', 'mode', 'phase', ...ids.map((id) => `${id}On`)];
  const rows = points.map((p) =>
    [new Date(p.t).toISOString(), num(p.temperatureC, 3), num(p.minC, 3), num(p.maxC, 3), num(p.humidityPct, 2), num(p.setpointC, 2), p.mode, p.phase, ...ids.map((id) => (p.outputs[id] === undefined ? '' : p.outputs[id].toFixed(4)))].map(csvField).join(','),
  );
  return `${[head.join(','), ...rows].join('\n')}\n`;
}

function eventsCsv(events: readonly HistoryEvent[]): string {
  return `${['time,type,text', ...events.map((e) => [new Date(e.t).toISOString(), e.type, e.text].map(csvField).join(','))].join('\n')}\n`;
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

function pointsTable(points: readonly HistoryPoint[], timeZone: string): string {
  const ids = outputIds(points);
  const head = ['time', '°C', 'min', 'max', '%RH', 'setpoint', 'mode', 'phase', ...ids.map((id) => `${id} on`)];
  const pct = (f: number | undefined): string => (f === undefined ? '' : `${Math.round(f * 100)} %`);
  return table([head, ...points.map((p) => [localTime(p.t, timeZone), num(p.temperatureC, 1), num(p.minC, 1), num(p.maxC, 1), num(p.humidityPct, 0), num(p.setpointC, 1), p.mode, p.phase, ...ids.map((id) => pct(p.outputs[id]))])]);
}

function eventsTable(events: readonly HistoryEvent[], timeZone: string): string {
  return table([['time', 'type', 'event'], ...events.map((e) => [localTime(e.t, timeZone), e.type, e.text])]);
}

/**
 * `terrarium history --enclosure E [--since 24h] [--until T] [--csv|--json] [--events] [--config F]`:
 * prints the local history of one enclosure from the history database, opened read-only (works
 * while the controller runs and writes it). Points at the resolution the dashboard gets (1-minute
 * for a range within the 1-minute retention of at most 2 days, else 15-minute), oldest first; with
 * `--events`, the events, newest first. Default: a table in the controller's time zone; `--csv`
 * with a header row (UTC ISO times); `--json` an array (wall ms, as `HistoryReader` gives them).
 * Exit 0; 2 for a bad configuration, no `history` section, an unknown enclosure or a bad time;
 * 1 when there is no database yet or it cannot be read.
 */
export async function historyCommand(
  opts: HistoryOptions,
  out: NodeJS.WritableStream = process.stdout,
  io: { stderr?: NodeJS.WritableStream; env?: NodeJS.ProcessEnv; platform?: Platform; clock?: Clock } = {},
): Promise<number> {
  const stderr = io.stderr ?? process.stderr;
  try {
    if (opts.csv && opts.json) throw new HistoryQueryError('choose one of --csv and --json');
    const { config } = resolveConfig({ config: opts.config }, io.env ?? process.env, io.platform ?? createPlatform({ env: io.env }));
    if (!config.history?.enabled) throw new HistoryQueryError(`no local history in ${config.file}: add a "history" section (docs/history.md)${config.history ? ' or set history.enabled to true' : ''}`);
    if (!config.enclosures.some((e) => e.id === opts.enclosure)) throw new HistoryQueryError(`unknown enclosure "${opts.enclosure}"; configured: ${config.enclosures.map((e) => e.id).join(', ')}`);
    const now = (io.clock ?? new SystemClock()).now();
    const from = parseWhen('--since', opts.since ?? '24h', now);
    const to = opts.until === undefined ? now + 1 : parseWhen('--until', opts.until, now);
    if (!(from < to)) throw new HistoryQueryError(`--since (${new Date(from).toISOString()}) must be before --until (${new Date(to).toISOString()})`);
    const store = HistoryStore.openReadOnly(historyFile(config));
    try {
      const tz = config.controller.timezone;
      if (opts.events) {
        const events = store.events(opts.enclosure, from, to, 100_000);
        if (opts.json) out.write(`${JSON.stringify(events, null, 2)}\n`);
        else if (opts.csv) out.write(eventsCsv(events));
        else out.write(events.length ? eventsTable(events, tz) : `no events of ${opts.enclosure} in that range\n`);
      } else {
        const resolution = chooseResolution(from, to, now, historyRetention(config.history).minuteMs);
        const points = store.points(opts.enclosure, from, to, resolution).map(publicPoint);
        if (opts.json) out.write(`${JSON.stringify(points, null, 2)}\n`);
        else if (opts.csv) out.write(pointsCsv(points));
        else {
          out.write(`${opts.enclosure}: ${resolution === '1m' ? '1-minute' : '15-minute'} points, ${localTime(from, tz)} to ${localTime(to, tz)} (${tz})\n`);
          out.write(points.length ? pointsTable(points, tz) : 'no points in that range\n');
        }
      }
    } finally {
      store.close();
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof HistoryQueryError) {
      stderr.write(`terrarium: ${e.message}\n`);
      return EXIT.usage;
    }
    return reportFatal(e, stderr);
  }
}
