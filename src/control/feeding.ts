import { Cron } from 'croner';
import type { Feeding } from '../config/profile-schema.js';
import { TerrariumError } from '../errors.js';

/**
 * The feeder decision: pure, at most once per scheduled slot.
 *
 * - Slots come from croner (`new Cron(pattern, { timezone })`, croner ~11: a time in the
 *   spring-forward gap runs at the first valid time after it; a repeated fall-back time runs once).
 *   Only the latest slot at or before `now` is considered; older missed slots are gone.
 * - A slot is handled once: `lastScheduledSlot` (fed or finally skipped) and `lastFedAt` (a feed at or
 *   after the slot) both mark it done, so a clock jump back (the slot comes round again) or forward
 *   (a slot noticed late) cannot feed it twice. The app persists {@link recordFeed}'s state BEFORE the
 *   feeder moves, so a restart or crash mid-feed never feeds again.
 * - A slot noticed more than {@link ON_TIME_MS} late (restart, clock step) is replayed only within
 *   `graceMinutes`; past that it is skipped for good.
 * - The daily cap (`maxPerDay`, per local calendar day in `timezone`) and `minIntervalHours` apply to
 *   scheduled and manual feeds alike.
 * - Any clock: the wall records are kept on the clock's current timeline ({@link shiftFeedingRecords}
 *   after each step the clock watch finds, clock-watch.ts), and the minimum interval is also
 *   checked on run time (`runMs`: monotonic time accumulated over every run of the controller, which
 *   never follows the wall clock and pauses while the controller is down, so it is a lower bound of
 *   the real time since the last feed). Run time short of the interval blocks a feed whatever the
 *   wall clock says: a final skip when the wall clock agrees, a pending one (retried until the
 *   slot's grace ends) when only a restart gap can explain the difference. A record in the future
 *   (clock went back) blocks as "too recent" until run time proves the interval, and one more than
 *   {@link FUTURE_RECORD_LIMIT_MS} ahead is ignored for the slot bookkeeping only (a bad RTC year
 *   must not stop feeding for good; the run-time check still holds).
 * - No feed at all while the clock is not plausible (clock-plausibility.ts); no scheduled feed while
 *   it is not trusted (it went back behind a time already seen, clock-watch.ts).
 * - Pre-feed checks (`temperatureOk`, `feederHealthy`) skip a scheduled slot without closing it
 *   (`final: false`): it is retried at the next ticks until its grace window ends.
 */

/** A slot noticed within this time of its scheduled time is fed as `scheduled`; later, as `replay`. */
export const ON_TIME_MS = 60_000;
/** A manual request older than this is dropped (the operator asked for "now", not later), ms. */
export const MANUAL_REQUEST_TTL_MS = 10 * 60_000;
/** Persisted slot records further ahead of `now` than this are ignored as coming from a wrong clock, ms. */
export const FUTURE_RECORD_LIMIT_MS = 7 * 24 * 3_600_000;

/** A feeding schedule croner cannot parse, or an unknown time zone. */
export class FeedScheduleError extends TerrariumError {
  constructor(
    readonly pattern: string,
    readonly timezone: string,
    options?: { cause?: unknown },
  ) {
    super('FEED_SCHEDULE_INVALID', `invalid feeding schedule "${pattern}" in time zone ${timezone}`, options);
  }
}

/** Persisted feeding record (wall ms). */
export interface FeedingState {
  lastFedAt: number | null;
  /** Feeds on the local calendar day `day` (YYYY-MM-DD in the controller's time zone). */
  feedsToday: { day: string; count: number };
  /** The scheduled slot (wall ms) last handled: fed or finally skipped. */
  lastScheduledSlot: number | null;
  /** Run time (guard ms: monotonic, accumulated over every run) of the last feed; absent in older records. */
  lastFedRunMs?: number | null;
}

export function initialFeedingState(): FeedingState {
  return { lastFedAt: null, feedsToday: { day: '', count: 0 }, lastScheduledSlot: null };
}

export interface FeedContext {
  /** Wall ms. */
  now: number;
  /** IANA zone of the schedule and of the daily cap, e.g. `Europe/Berlin`. */
  timezone: string;
  clockPlausible: boolean;
  /** False while the clock is behind a time already seen (clock-watch.ts): no scheduled feed. Default true. */
  clockTrusted?: boolean;
  /** Run time now (guard ms), for the minimum interval; absent: the wall clock alone decides. */
  runMs?: number;
  /** Pre-feed check: air temperature within the active band +/- `requireTemperatureWithinC`. */
  temperatureOk: boolean;
  feederHealthy: boolean;
  /** Wall ms of a pending "feed now" request. */
  manualRequestedAt?: number;
}

/**
 * `feed`: persist {@link recordFeed}, then dispense. `skip` with `final: true`: the slot is done
 * (call {@link recordSkip}) or the manual request is answered (clear it); `final: false`: a pre-feed
 * check failed, the slot stays pending (log once per slot and reason). `none`: nothing due.
 */
export type FeedDecision =
  | { action: 'feed'; reason: 'scheduled' | 'manual' | 'replay'; slot: number | null }
  | { action: 'skip'; reason: string; slot: number | null; final: boolean }
  | { action: 'none' };

/**
 * A parsed feeding schedule. The app builds one per feeder and passes it to {@link decideFeed} so
 * the croner pattern is parsed once; it remembers the last slot interval it computed (the slots only
 * change when `now` leaves it), which keeps a 1 s control tick cheap. Pure in behaviour: the answer
 * depends on `now` only.
 */
export class FeedSchedule {
  /** Last answer: slot at or before `from`, valid for `from <= now < until`. */
  private cache: { from: number; until: number; slot: number | null } | null = null;
  private cron: Cron | null = null;

  /** Only assigns; the pattern is parsed on first use (or eagerly with {@link FeedSchedule.parse}). */
  constructor(
    readonly pattern: string,
    readonly timezone: string,
  ) {}

  /**
   * A schedule whose pattern and time zone are already checked (for `terrarium check` and boot).
   * @throws FeedScheduleError when croner rejects the pattern or the time zone
   */
  static parse(pattern: string, timezone: string): FeedSchedule {
    const s = new FeedSchedule(pattern, timezone);
    s.compiled();
    return s;
  }

  /** The croner job (no callback: no timer is started). @throws FeedScheduleError */
  private compiled(): Cron {
    if (this.cron) return this.cron;
    try {
      const cron = new Cron(this.pattern, { timezone: this.timezone });
      cron.nextRun(new Date(0)); // an unknown time zone only fails on first use
      this.cron = cron;
      return cron;
    } catch (e) {
      throw new FeedScheduleError(this.pattern, this.timezone, { cause: e });
    }
  }

  /** The latest scheduled slot at or before `now` (wall ms), or null. @throws FeedScheduleError */
  latestSlot(now: number): number | null {
    const c = this.cache;
    if (c && now >= c.from && now < c.until) return c.slot;
    const cron = this.compiled();
    // previousRuns is strictly before its reference; +1 ms makes a run exactly at `now` count.
    const runs = cron.previousRuns(1, new Date(now + 1));
    const slot = runs.length && runs[0].getTime() <= now ? runs[0].getTime() : null;
    const next = cron.nextRun(new Date(now));
    this.cache = { from: slot ?? now, until: next ? next.getTime() : Number.POSITIVE_INFINITY, slot };
    return slot;
  }
}

/** The latest scheduled slot at or before `now` (wall ms), or null. @throws FeedScheduleError */
export function latestSlot(schedule: string, timezone: string, now: number): number | null {
  return FeedSchedule.parse(schedule, timezone).latestSlot(now);
}

/** Local calendar day of `at` in `timezone`, `YYYY-MM-DD`. */
export function localDay(at: number, timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

function trusted(at: number | null, now: number): number | null {
  return at !== null && at - now <= FUTURE_RECORD_LIMIT_MS ? at : null;
}

/** Why the cap or the interval forbids a feed now (`final: false`: only run time, not the wall clock, says too soon), or null. */
function limitReason(feeding: Feeding, state: FeedingState, ctx: FeedContext): { reason: string; final: boolean } | null {
  const today = localDay(ctx.now, ctx.timezone);
  const count = state.feedsToday.day === today ? state.feedsToday.count : 0;
  if (count >= feeding.maxPerDay) return { reason: `daily cap reached (${count}/${feeding.maxPerDay} on ${today})`, final: true };
  const minMs = feeding.minIntervalHours * 3_600_000;
  const ran = state.lastFedRunMs != null && ctx.runMs !== undefined ? Math.max(0, ctx.runMs - state.lastFedRunMs) : null;
  if (ran !== null && ran >= minMs) return null; // proven by monotonic time, whatever the wall clock says
  // Without a run-time stamp (records of older versions) a record far in the future is ignored, as before.
  const last = ran === null ? trusted(state.lastFedAt, ctx.now) : state.lastFedAt;
  if (last !== null && ctx.now - last < minMs) {
    const reason = ctx.now < last ? 'last feed is in the future (clock went back)' : `minimum interval: last feed ${((ctx.now - last) / 3_600_000).toFixed(1)} h ago (< ${feeding.minIntervalHours} h)`;
    return { reason, final: true };
  }
  if (ran !== null) {
    return { reason: `minimum interval: only ${(ran / 3_600_000).toFixed(1)} h of run time since the last feed (< ${feeding.minIntervalHours} h; the wall clock alone cannot prove it across a restart)`, final: false };
  }
  return null;
}

function preFeedReason(ctx: FeedContext): string | null {
  if (!ctx.temperatureOk) return 'pre-feed check: temperature out of range';
  if (!ctx.feederHealthy) return 'pre-feed check: feeder not healthy';
  return null;
}

/**
 * Decides what the feeder does at `ctx.now`. A scheduled slot goes before a manual request (which
 * then waits a tick). A state that never handled a slot does not report the slots before it existed
 * as missed (a fresh install or a lost state file is not a missed feed).
 * @param schedule the parsed `feeding.schedule` (default: parsed now; pass one to parse once)
 * @throws FeedScheduleError on a bad schedule
 */
export function decideFeed(feeding: Feeding, state: FeedingState, ctx: FeedContext, schedule?: FeedSchedule): FeedDecision {
  const manual = ctx.manualRequestedAt;
  if (!ctx.clockPlausible) {
    return manual === undefined ? { action: 'none' } : { action: 'skip', reason: 'clock not plausible (not yet synchronised)', slot: null, final: true };
  }
  const sched = schedule?.pattern === feeding.schedule && schedule.timezone === ctx.timezone ? schedule : FeedSchedule.parse(feeding.schedule, ctx.timezone);
  // An untrusted clock (went back behind a time already seen) runs no schedule; a manual request
  // still goes through the limits below (run time guards the interval).
  const slot = ctx.clockTrusted === false ? null : sched.latestSlot(ctx.now);
  const lastSlot = trusted(state.lastScheduledSlot, ctx.now);
  const lastFed = trusted(state.lastFedAt, ctx.now);
  const windowMs = Math.max(feeding.graceMinutes * 60_000, ON_TIME_MS);
  const fresh = lastSlot === null && lastFed === null;
  if (slot !== null && (lastSlot === null || slot > lastSlot) && (lastFed === null || lastFed < slot) && !(fresh && ctx.now - slot > windowMs)) {
    const age = ctx.now - slot;
    if (age > windowMs) {
      return { action: 'skip', reason: `missed slot noticed ${Math.round(age / 60_000)} min late (grace ${feeding.graceMinutes} min)`, slot, final: true };
    }
    const limit = limitReason(feeding, state, ctx);
    if (limit) return { action: 'skip', reason: limit.reason, slot, final: limit.final };
    const check = preFeedReason(ctx);
    if (check) return { action: 'skip', reason: check, slot, final: false };
    return { action: 'feed', reason: age <= ON_TIME_MS ? 'scheduled' : 'replay', slot };
  }
  if (manual === undefined) return { action: 'none' };
  if (lastFed !== null && lastFed >= manual) return { action: 'skip', reason: 'manual request already served', slot: null, final: true };
  if (ctx.now - manual > MANUAL_REQUEST_TTL_MS) return { action: 'skip', reason: 'manual request expired', slot: null, final: true };
  const blocked = limitReason(feeding, state, ctx)?.reason ?? preFeedReason(ctx);
  if (blocked) return { action: 'skip', reason: blocked, slot: null, final: true };
  return { action: 'feed', reason: 'manual', slot: null };
}

/**
 * The state after a feed at wall ms `at` (scheduled `slot`, or null for manual) and run time `runMs`
 * (guard ms; omit when unknown). The app persists it BEFORE the feeder moves.
 */
export function recordFeed(state: FeedingState, at: number, slot: number | null, timezone: string, runMs?: number): FeedingState {
  const day = localDay(at, timezone);
  return {
    lastFedAt: at,
    feedsToday: { day, count: state.feedsToday.day === day ? state.feedsToday.count + 1 : 1 },
    lastScheduledSlot: slot ?? state.lastScheduledSlot,
    ...(runMs === undefined ? {} : { lastFedRunMs: runMs }),
  };
}

/**
 * Moves the wall-time records of every feeder by a clock step of `stepMs` (clock-watch.ts), so they
 * name the same real instants on the clock's new timeline: after a step back of 11 days the last
 * feed is still "10 minutes ago" and its slot still handled. The daily count moves with the feed.
 * Run-time stamps do not move (monotonic). Returns the same object when `stepMs` is 0.
 */
export function shiftFeedingRecords(records: Record<string, FeedingState>, stepMs: number, timezone: string): Record<string, FeedingState> {
  if (stepMs === 0) return records;
  const out: Record<string, FeedingState> = {};
  for (const [id, s] of Object.entries(records)) {
    const lastFedAt = s.lastFedAt === null ? null : s.lastFedAt + stepMs;
    const feedsToday = lastFedAt !== null && s.feedsToday.day === localDay(s.lastFedAt as number, timezone) ? { day: localDay(lastFedAt, timezone), count: s.feedsToday.count } : s.feedsToday;
    out[id] = { ...s, lastFedAt, feedsToday, lastScheduledSlot: s.lastScheduledSlot === null ? null : s.lastScheduledSlot + stepMs };
  }
  return out;
}

/** The state after a scheduled slot was finally skipped (a `skip` with `final: true` and a slot). */
export function recordSkip(state: FeedingState, slot: number): FeedingState {
  return { ...state, lastScheduledSlot: slot };
}
