import { describe, expect, it } from 'vitest';
import { FeedingSchema, type Feeding } from '../../src/config/profile-schema.js';
import { isClockPlausible } from '../../src/control/clock-plausibility.js';
import {
  decideFeed,
  type FeedContext,
  FeedSchedule,
  type FeedDecision,
  FeedScheduleError,
  type FeedingState,
  initialFeedingState,
  latestSlot,
  localDay,
  recordFeed,
  recordSkip,
} from '../../src/control/feeding.js';

const TZ = 'Europe/Berlin';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-06-01 00:00 CEST. */
const MON = Date.UTC(2026, 4, 31, 22, 0);
/** Build date of the release: the plausibility floor. */
const FLOOR = Date.UTC(2026, 0, 1);

const twiceDaily: Feeding = FeedingSchema.parse({ schedule: '0 8,18 * * *', maxPerDay: 2, minIntervalHours: 8, graceMinutes: 60 });
const gecko: Feeding = FeedingSchema.parse({ schedule: '0 18 * * 1,4', maxPerDay: 1, minIntervalHours: 48, graceMinutes: 60 });

function ctx(now: number, extra: Partial<FeedContext> = {}): FeedContext {
  return { now, timezone: TZ, clockPlausible: isClockPlausible(now, FLOOR), temperatureOk: true, feederHealthy: true, ...extra };
}

/** Local wall ms for `day` days after Monday at hh:mm (CEST, no DST change in June). */
const at = (day: number, hh: number, mm = 0) => MON + day * DAY + hh * HOUR + mm * MIN;

interface Sim {
  feeds: { at: number; slot: number | null; reason: string }[];
  skips: FeedDecision[];
  state: FeedingState;
}

/**
 * Runs the app's feeder loop once per minute of monotonic time, like the app: decide, persist the
 * record (JSON round trip = what survives a restart) BEFORE dispensing. `wallOffset(i)` gives the
 * wall-clock error at step i (clock jumps); `crashAfterFeed` restarts the process right after the
 * first feed was persisted, `downMinutes` later, before the feeder could finish.
 */
function simulate(
  feeding: Feeding,
  opts: { start: number; minutes: number; initial?: FeedingState; wallOffset?: (i: number) => number; crashAfterFeed?: number; ctx?: (now: number) => Partial<FeedContext> },
): Sim {
  const schedule = FeedSchedule.parse(feeding.schedule, TZ); // parsed once, as the app does
  let disk = JSON.stringify(opts.initial ?? initialFeedingState());
  const feeds: Sim['feeds'] = [];
  const skips: FeedDecision[] = [];
  let crashed = false;
  for (let i = 0; i < opts.minutes; i++) {
    const now = opts.start + i * MIN + (opts.wallOffset?.(i) ?? 0);
    const state = JSON.parse(disk) as FeedingState; // every step starts from what is on disk
    const d = decideFeed(feeding, state, ctx(now, opts.ctx?.(now)), schedule);
    if (d.action === 'feed') {
      disk = JSON.stringify(recordFeed(state, now, d.slot, TZ)); // persisted before the feeder moves
      feeds.push({ at: now, slot: d.slot, reason: d.reason });
      if (opts.crashAfterFeed !== undefined && !crashed) {
        crashed = true;
        i += opts.crashAfterFeed; // the process is down; the feeder never reported completion
      }
    } else if (d.action === 'skip') {
      skips.push(d);
      if (d.final && d.slot !== null) disk = JSON.stringify(recordSkip(state, d.slot));
    }
  }
  return { feeds, skips, state: JSON.parse(disk) as FeedingState };
}

const WEEK = 7 * 24 * 60;
/** The 14 scheduled slots of the twice-daily schedule in the simulated week. */
const twiceDailySlots = Array.from({ length: 7 }, (_, d) => [at(d, 8), at(d, 18)]).flat();

describe('feeding over 7 simulated days', () => {
  it('feeds exactly the scheduled slots, each once, on time', () => {
    const sim = simulate(twiceDaily, { start: MON, minutes: WEEK });
    expect(sim.feeds.map((f) => f.slot)).toEqual(twiceDailySlots);
    expect(sim.feeds.every((f) => f.reason === 'scheduled' && f.at === f.slot)).toBe(true);
    expect(sim.skips).toEqual([]);
  });

  it('feeds the leopard gecko profile twice a week (Mon and Thu 18:00)', () => {
    const sim = simulate(gecko, { start: MON, minutes: WEEK });
    expect(sim.feeds.map((f) => f.at)).toEqual([at(0, 18), at(3, 18)]);
  });

  it('does not feed again after a restart mid-feed (the record was persisted before the feeder moved)', () => {
    const sim = simulate(twiceDaily, { start: MON, minutes: WEEK, crashAfterFeed: 3 });
    expect(sim.feeds.map((f) => f.slot)).toEqual(twiceDailySlots);
  });

  it('feeds each slot once across clock jumps of -1 h and +1 h', () => {
    // Steps are minutes of monotonic time; the wall clock jumps by the cumulative offset.
    // Day 1 18:30: wall back 1 h to 17:30 after the feed (the 18:00 slot comes round again).
    // Day 2 at wall 07:30 (mono 08:30): forward 1 h to 08:30 (the 08:00 slot is replayed once).
    // Day 3 08:30: forward 1 h to 09:30 after the feed; day 4 at wall 08:01 (mono 07:01): back 1 h.
    const jumps: [number, number][] = [
      [1 * 1440 + 18 * 60 + 30, -HOUR],
      [2 * 1440 + 8 * 60 + 30, +HOUR],
      [3 * 1440 + 8 * 60 + 30, +HOUR],
      [4 * 1440 + 7 * 60 + 1, -HOUR],
    ];
    const wallOffset = (i: number) => jumps.filter(([step]) => i >= step).reduce((acc, [, d]) => acc + d, 0);
    const sim = simulate(twiceDaily, { start: MON, minutes: WEEK, wallOffset });
    expect(sim.feeds.map((f) => f.slot)).toEqual(twiceDailySlots);
    expect(sim.feeds.filter((f) => f.reason === 'replay').map((f) => f.slot)).toEqual([at(2, 8)]);
    expect(sim.skips).toEqual([]);
  });

  it('does not feed before the clock is plausible, then resumes within the grace window', () => {
    // A Pi without RTC boots at 1970-01-01 and runs 20 h there (its croner slots at 08:00 and 18:00
    // pass); NTP then sets the real time, Monday 18:20 (the 18:00 slot is 20 min old: replayed).
    const boot = 0;
    const realAt = at(0, 18, 20);
    const wallOffset = (i: number) => (i < 20 * 60 ? 0 : realAt - 20 * 60 * MIN - boot);
    const sim = simulate(twiceDaily, { start: boot, minutes: 20 * 60 + 24 * 60, wallOffset });
    expect(sim.feeds.filter((f) => f.at < FLOOR)).toEqual([]);
    expect(sim.feeds.map((f) => [f.slot, f.reason])).toEqual([
      [at(0, 18), 'replay'],
      [at(1, 8), 'scheduled'],
      [at(1, 18), 'scheduled'],
    ]);
  });

  it('refuses a manual feed while the clock is not plausible', () => {
    const d = decideFeed(twiceDaily, initialFeedingState(), ctx(3 * HOUR, { manualRequestedAt: 3 * HOUR }));
    expect(d).toEqual({ action: 'skip', reason: 'clock not plausible (not yet synchronised)', slot: null, final: true });
  });
});

describe('missed slots and the grace window', () => {
  const handledMorning: FeedingState = { lastFedAt: at(0, 8), feedsToday: { day: '2026-06-01', count: 1 }, lastScheduledSlot: at(0, 8) };

  it.each([
    [0, { action: 'feed', reason: 'scheduled', slot: at(0, 18) }],
    [1, { action: 'feed', reason: 'scheduled', slot: at(0, 18) }],
    [30, { action: 'feed', reason: 'replay', slot: at(0, 18) }],
    [60, { action: 'feed', reason: 'replay', slot: at(0, 18) }],
    [61, { action: 'skip', reason: 'missed slot noticed 61 min late (grace 60 min)', slot: at(0, 18), final: true }],
    [180, { action: 'skip', reason: 'missed slot noticed 180 min late (grace 60 min)', slot: at(0, 18), final: true }],
  ])('a slot noticed %i min late -> %j', (late, expected) => {
    expect(decideFeed(twiceDaily, handledMorning, ctx(at(0, 18) + late * MIN))).toEqual(expected);
  });

  it('skips a missed slot once and then stays quiet', () => {
    const d = decideFeed(twiceDaily, handledMorning, ctx(at(0, 20)));
    expect(d).toMatchObject({ action: 'skip', final: true });
    const after = recordSkip(handledMorning, at(0, 18));
    expect(decideFeed(twiceDaily, after, ctx(at(0, 20, 1)))).toEqual({ action: 'none' });
  });

  it('does not report slots from before a fresh state existed as missed', () => {
    expect(decideFeed(twiceDaily, initialFeedingState(), ctx(at(0, 12)))).toEqual({ action: 'none' });
    expect(decideFeed(twiceDaily, initialFeedingState(), ctx(at(0, 8, 30)))).toMatchObject({ action: 'feed', reason: 'replay' });
  });

  it('with a grace of 0 still feeds a slot seen within the first minute', () => {
    const noGrace = { ...twiceDaily, graceMinutes: 0 };
    expect(decideFeed(noGrace, handledMorning, ctx(at(0, 18) + 30_000))).toMatchObject({ action: 'feed', reason: 'scheduled' });
    expect(decideFeed(noGrace, handledMorning, ctx(at(0, 18, 2)))).toMatchObject({ action: 'skip', final: true });
  });
});

describe('limits and pre-feed checks', () => {
  const morningFed = recordFeed(initialFeedingState(), at(0, 8), at(0, 8), TZ);

  it('retries a slot skipped by a pre-feed check until the grace window ends', () => {
    const sim = simulate(twiceDaily, { start: at(0, 17, 50), minutes: 120, initial: morningFed, ctx: (now) => ({ temperatureOk: now >= at(0, 18, 25) }) });
    expect(sim.feeds.map((f) => [f.at, f.reason])).toEqual([[at(0, 18, 25), 'replay']]);
    expect(sim.skips.length).toBe(25);
    expect(sim.skips.every((s) => s.action === 'skip' && !s.final && s.reason === 'pre-feed check: temperature out of range')).toBe(true);
  });

  it('gives up on the slot when the feeder stays unhealthy past the grace window', () => {
    const sim = simulate(twiceDaily, { start: at(0, 17, 50), minutes: 120, initial: morningFed, ctx: () => ({ feederHealthy: false }) });
    expect(sim.feeds).toEqual([]);
    expect(sim.skips.at(-2)).toMatchObject({ reason: 'pre-feed check: feeder not healthy', final: false });
    expect(sim.skips.at(-1)).toMatchObject({ reason: 'missed slot noticed 61 min late (grace 60 min)', final: true });
    expect(sim.state.lastScheduledSlot).toBe(at(0, 18));
  });

  it('applies the daily cap and the minimum interval to manual feeds', () => {
    const fedAt8 = recordFeed(initialFeedingState(), at(0, 8), at(0, 8), TZ);
    const gap = decideFeed(twiceDaily, fedAt8, ctx(at(0, 12), { manualRequestedAt: at(0, 12) }));
    expect(gap).toEqual({ action: 'skip', reason: 'minimum interval: last feed 4.0 h ago (< 8 h)', slot: null, final: true });
    const ok = decideFeed(twiceDaily, fedAt8, ctx(at(0, 16, 30), { manualRequestedAt: at(0, 16, 29) }));
    expect(ok).toEqual({ action: 'feed', reason: 'manual', slot: null });
    const fedTwice = recordFeed(fedAt8, at(0, 16, 30), null, TZ);
    // The 18:00 slot is then refused by the cap (2 per day) and the interval alike; the cap is named first.
    expect(decideFeed(twiceDaily, fedTwice, ctx(at(0, 18)))).toEqual({ action: 'skip', reason: 'daily cap reached (2/2 on 2026-06-01)', slot: at(0, 18), final: true });
  });

  it('applies the minimum interval to scheduled feeds', () => {
    const tooClose: Feeding = FeedingSchema.parse({ schedule: '0 8,12 * * *', maxPerDay: 3, minIntervalHours: 6 });
    const sim = simulate(tooClose, { start: MON, minutes: 24 * 60 });
    expect(sim.feeds.map((f) => f.at)).toEqual([at(0, 8)]);
    expect(sim.skips).toEqual([{ action: 'skip', reason: 'minimum interval: last feed 4.0 h ago (< 6 h)', slot: at(0, 12), final: true }]);
  });

  it('answers a manual request once: already served after a restart, and expired after 10 min', () => {
    const fed = recordFeed(initialFeedingState(), at(0, 12, 1), null, TZ);
    expect(decideFeed(twiceDaily, fed, ctx(at(0, 12, 2), { manualRequestedAt: at(0, 12) }))).toMatchObject({ action: 'skip', reason: 'manual request already served' });
    expect(decideFeed(twiceDaily, initialFeedingState(), ctx(at(0, 12, 11), { manualRequestedAt: at(0, 12) }))).toMatchObject({ action: 'skip', reason: 'manual request expired' });
  });

  it('refuses a pre-feed check failure for a manual request with the reason', () => {
    const d = decideFeed(twiceDaily, initialFeedingState(), ctx(at(0, 12), { manualRequestedAt: at(0, 12), temperatureOk: false }));
    expect(d).toEqual({ action: 'skip', reason: 'pre-feed check: temperature out of range', slot: null, final: true });
  });

  it('counts the daily cap per local calendar day', () => {
    const lateEvening = recordFeed(initialFeedingState(), at(0, 23, 30), null, TZ);
    const afterMidnight = recordFeed(lateEvening, at(1, 0, 30), null, TZ);
    expect(lateEvening.feedsToday).toEqual({ day: '2026-06-01', count: 1 });
    expect(afterMidnight.feedsToday).toEqual({ day: '2026-06-02', count: 1 });
    expect(localDay(Date.UTC(2026, 5, 1, 22, 30), TZ)).toBe('2026-06-02'); // 00:30 CEST
  });

  it('ignores a record far in the future (a wrong clock wrote it) instead of never feeding again', () => {
    const wrongClock: FeedingState = { lastFedAt: Date.UTC(2031, 0, 1), feedsToday: { day: '2031-01-01', count: 1 }, lastScheduledSlot: Date.UTC(2031, 0, 1) };
    expect(decideFeed(twiceDaily, wrongClock, ctx(at(0, 8)))).toMatchObject({ action: 'feed', reason: 'scheduled' });
  });
});

describe('schedules and DST (croner ~11)', () => {
  const nightly: Feeding = FeedingSchema.parse({ schedule: '30 2 * * *', maxPerDay: 1, minIntervalHours: 12, graceMinutes: 30 });

  it('feeds a slot in the spring-forward gap once, at 03:00 CEST', () => {
    const sim = simulate(nightly, { start: Date.UTC(2027, 2, 26, 23, 0), minutes: 3 * 24 * 60 });
    expect(sim.feeds.map((f) => new Date(f.at).toISOString())).toEqual(['2027-03-27T01:30:00.000Z', '2027-03-28T01:00:00.000Z', '2027-03-29T00:30:00.000Z']);
  });

  it('feeds a repeated fall-back time once', () => {
    const sim = simulate(nightly, { start: Date.UTC(2027, 9, 29, 23, 0), minutes: 3 * 24 * 60 });
    expect(sim.feeds.map((f) => new Date(f.at).toISOString())).toEqual(['2027-10-30T00:30:00.000Z', '2027-10-31T00:30:00.000Z', '2027-11-01T01:30:00.000Z']);
  });

  it('finds the latest slot at or before now, inclusive', () => {
    expect(latestSlot('0 18 * * *', TZ, at(0, 18))).toBe(at(0, 18));
    expect(latestSlot('0 18 * * *', TZ, at(0, 18) - 1)).toBe(at(0, 18) - DAY);
  });

  it('throws a typed error for a schedule croner cannot parse', () => {
    expect(() => latestSlot('61 25 * * *', TZ, MON)).toThrow(FeedScheduleError);
    expect(() => FeedSchedule.parse('0 18 * * *', 'Mars/Olympus_Mons')).toThrow(FeedScheduleError);
    try {
      latestSlot('not a cron', TZ, MON);
    } catch (e) {
      expect((e as FeedScheduleError).code).toBe('FEED_SCHEDULE_INVALID');
      expect((e as FeedScheduleError).cause).toBeDefined();
    }
  });
});
