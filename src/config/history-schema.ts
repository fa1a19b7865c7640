import { isAbsolute, join, resolve, dirname } from 'node:path';
import { z } from 'zod';
import { PathString } from './limits.js';

/** Days in ms. */
const DAY_MS = 86_400_000;

/**
 * Local history on the controller (docs/history.md): 1-minute and 15-minute points and events
 * per enclosure, in SQLite. Absent: no history, nothing loaded, nothing written.
 * Retentions are bounded so the file stays small on an SD card (docs/history.md gives the size).
 */
export const HistorySchema = z
  .strictObject({
    /** Record history; `false` keeps the section but records and loads nothing. */
    enabled: z.boolean().default(true),
    /** The SQLite file; relative to the config file (default `<controller.stateDir>/history.db`). */
    file: PathString.optional(),
    /** Retention of the 1-minute points, days (1..90). */
    minuteDays: z.number().int('whole days').min(1, 'at least 1 day').max(90, 'at most 90 days (1-minute points; use quarterHourDays for long ranges)').default(14),
    /** Retention of the 15-minute points, days (1..3650). */
    quarterHourDays: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 3650 days (10 years)').default(730),
    /** Retention of events (faults, feeds, mode changes, recoveries), days (1..3650). */
    eventDays: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 3650 days (10 years)').default(365),
  })
  .refine((h) => h.quarterHourDays >= h.minuteDays, { message: 'quarterHourDays must be at least minuteDays (15-minute points are made from the 1-minute ones)', path: ['quarterHourDays'] });

export type HistoryConfig = z.infer<typeof HistorySchema>;

/** Retentions of a history config in ms. */
export interface HistoryRetention {
  minuteMs: number;
  quarterHourMs: number;
  eventMs: number;
}

/** The retentions of `h` in ms. */
export function historyRetention(h: HistoryConfig): HistoryRetention {
  return { minuteMs: h.minuteDays * DAY_MS, quarterHourMs: h.quarterHourDays * DAY_MS, eventMs: h.eventDays * DAY_MS };
}

/**
 * The history database path: `history.file` resolved against the config file's directory (the
 * working directory for an inline config), else `<stateDir>/history.db`.
 * @param config the validated config (`file`: absolute path of the config file or `<inline>`)
 */
export function historyFile(config: { file: string; controller: { stateDir: string }; history?: HistoryConfig }): string {
  const f = config.history?.file;
  if (f === undefined) return join(config.controller.stateDir, 'history.db');
  if (isAbsolute(f)) return f;
  return resolve(config.file === '<inline>' ? process.cwd() : dirname(config.file), f);
}
