import { describe, expect, it } from 'vitest';
import { FeedingSchema, type Feeding } from '../../src/config/profile-schema.js';
import { isClockPlausible } from '../../src/control/clock-plausibility.js';
import { CLOCK_STEP_TOLERANCE_MS, type ClockWatchState, initialClockWatchState, stepClockWatch } from '../../src/control/clock-watch.js';
import { decideFeed, FeedSchedule, type FeedingState, initialFeedingState, recordFeed, recordSkip, shiftFeedingRecords } from '../../src/control/feeding.js';

/**
 * Feeding under any wall clock: the app's feeder loop (clock watch, record shift, decision, record
 * persisted before the feeder moves) run minute by minute over real time, with the wall clock
 * stepped forward or back by many sizes, before, just after or long after a feed, while running
 * or while the controller is down (restart), and with the guard state on disk lagging the last
 * tick by up to 5 minutes (it is written at most every 5 min). The property: consecutive feeds
 * are never closer than `minIntervalHours` of REAL time.
 */

const TZ = 'Europe/Berlin';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-06-01 00:00 CEST. */
const MON = Date.UTC(2026, 4, 31, 22, 0);
const FLOOR = Date.UTC(2026, 0, 1);
/** The guard state is written at most this often; a crash loses up to this much of it. */
const GUARD_PERSIST_MS = 5 * MIN;

const gecko: Feeding = FeedingSchema.parse({ schedule: '0 18 * * 1,4', maxPerDay: 1, minIntervalHours: 48, graceMinutes: 60 });
const twiceDaily: Feeding = FeedingSchema.parse({ schedule: '0 8,18 * * *', maxPerDay: 2, minIntervalHours: 8, graceMinutes: 60 });

interface Step {
  /** Real minute (from the start) the step happens. */
  atMin: number;
  /** Wall step, ms. */
  byMs: number;
  /** The controller is down from `atMin` for this many minutes (the step happens while it is down). */
  downMin?: number;
}

/** Real times of the feeds of a run, one loop turn every `tickMin` real minutes. */
function run(feeding: Feeding, minutes: number, steps: Step[], tickMin = 1, start = MON): number[] {
  const schedule = FeedSchedule.parse(feeding.schedule, TZ);
  // On disk: feeding records (written at once), guard clock state and run time (lagging).
  let records: Record<string, FeedingState> = { feeder: initialFeedingState() };
  let diskClock: ClockWatchState = initialClockWatchState();
  let diskRunMs = 0;
  let diskSavedAtRun = 0;
  // In memory of the running process.
  let clock = diskClock;
  let runMs = 0;
  let prevMono: number | null = null;
  let offset = 0;
  const feeds: number[] = [];
  let downUntil = -1;
  for (let i = 0; i < minutes; i += tickMin) {
    const real = start + i * MIN;
    for (const s of steps) {
      if (s.atMin > i || s.atMin <= i - tickMin) continue;
      offset += s.byMs;
      if (s.downMin) {
        downUntil = i + s.downMin;
        // Crash: what is not on disk is lost.
        clock = diskClock;
        runMs = diskRunMs;
        prevMono = null;
      }
    }
    if (i < downUntil) continue;
    const mono = real; // monotonic time of the machine (a new process only loses its previous value)
    const now = real + offset;
    const dt = prevMono === null ? null : mono - prevMono;
    runMs += dt ?? 0;
    prevMono = mono;
    const watch = stepClockWatch(clock, now, dt);
    clock = watch.state;
    if (watch.verdict.stepMs !== 0) records = shiftFeedingRecords(records, watch.verdict.stepMs, TZ);
    const state = JSON.parse(JSON.stringify(records.feeder)) as FeedingState;
    const d = decideFeed(feeding, state, { now, timezone: TZ, clockPlausible: isClockPlausible(now, FLOOR), clockTrusted: watch.verdict.trusted, runMs, temperatureOk: true, feederHealthy: true }, schedule);
    let durable = runMs - diskSavedAtRun >= GUARD_PERSIST_MS;
    if (d.action === 'feed') {
      records = { feeder: recordFeed(state, now, d.slot, TZ, runMs) };
      feeds.push(real);
      durable = true; // the feed record write carries the staged guard state with it
    } else if (d.action === 'skip' && d.final && d.slot !== null) {
      records = { feeder: recordSkip(state, d.slot) };
      durable = true;
    }
    if (watch.verdict.stepMs !== 0) durable = true;
    if (durable) {
      diskClock = clock;
      diskRunMs = runMs;
      diskSavedAtRun = runMs;
    }
  }
  return feeds;
}

/** Real-time gaps between consecutive feeds, ms. */
function gaps(feeds: number[]): number[] {
  return feeds.slice(1).map((f, i) => f - feeds[i]);
}

/** Many step sizes, both signs: seconds to years, and odd sizes between. */
const SIZES_MS = [
  6_000, 59_000, 10 * MIN, 59 * MIN, HOUR, 3 * HOUR, 11 * HOUR, 23 * HOUR + 50 * MIN, DAY, 2 * DAY + 7 * HOUR, 3 * DAY, 6 * DAY + 23 * HOUR, 7 * DAY, 7 * DAY + 1 * MIN, 11 * DAY, 30 * DAY, 400 * DAY,
].flatMap((s) => [s, -s]);

/** Minutes (from the Monday start) around the Monday 18:00 feed and elsewhere. */
const WHEN_MIN = [18 * 60 + 1, 17 * 60 + 55, 2 * 1440 + 12 * 60];

describe('no double feed under any wall-clock step', () => {
  it.each([
    ['gecko (Mon/Thu 18:00, 48 h apart at least)', gecko],
    ['twice daily (08:00/18:00, 8 h apart at least)', twiceDaily],
  ])('%s: steps of every size and sign, while running and across restarts', (_name, feeding) => {
    const minGap = feeding.minIntervalHours * HOUR;
    let cases = 0;
    for (const byMs of SIZES_MS) {
      for (const atMin of WHEN_MIN) {
        for (const downMin of [0, 2, 6 * 60]) {
          const feeds = run(feeding, 7 * 1440, [{ atMin, byMs, downMin }], 5);
          cases++;
          for (const g of gaps(feeds)) {
            if (g < minGap) throw new Error(`step ${byMs / MIN} min at minute ${atMin}, down ${downMin} min: feeds ${g / MIN} min apart (< ${feeding.minIntervalHours} h); feeds at ${feeds.map((f) => new Date(f).toISOString()).join(', ')}`);
          }
        }
      }
    }
    expect(cases).toBe(SIZES_MS.length * WHEN_MIN.length * 3);
  }, 180_000);

  it('two steps back and forth (a wrong clock corrected), with a restart between them, still never feed twice', () => {
    for (const a of [-11 * DAY, -HOUR, 5 * HOUR, 11 * DAY])
      for (const b of [11 * DAY, HOUR, -5 * HOUR, -11 * DAY]) {
        const feeds = run(gecko, 10 * 1440, [
          { atMin: 18 * 60 + 10, byMs: a },
          { atMin: 1440 + 3 * 60, byMs: 0, downMin: 20 },
          { atMin: 2 * 1440, byMs: b },
        ]);
        for (const g of gaps(feeds)) expect(g).toBeGreaterThanOrEqual(48 * HOUR);
      }
  });

  it('the reported case: fed Monday 18:00, clock back 11 days ten minutes later (stale fake-hwclock): no second feed', () => {
    const feeds = run(gecko, 2 * 1440, [{ atMin: 18 * 60 + 10, byMs: -11 * DAY }]);
    // Without the watch the wall clock reads Thursday 21 May 18:10: that 18:00 slot would look due.
    expect(feeds).toEqual([MON + 18 * HOUR]);
  });

  it('the same across a restart: the Pi reboots with a clock 11 days behind', () => {
    const feeds = run(gecko, 2 * 1440, [{ atMin: 18 * 60 + 5, byMs: -11 * DAY, downMin: 2 }]);
    expect(feeds).toEqual([MON + 18 * HOUR]);
  });
});

describe('feeding goes on once the clock is sound', () => {
  it('feeds every slot of a week without steps', () => {
    const feeds = run(gecko, 7 * 1440, []);
    expect(feeds).toEqual([MON + 18 * HOUR, MON + 3 * DAY + 18 * HOUR]);
  });

  it('after a forward step (clock corrected forward by NTP) the schedule follows the new time', () => {
    // +3 h on Tuesday: the Thursday 18:00 feed comes at 15:00 of the old timeline; the gap stays above 48 h.
    const feeds = run(gecko, 7 * 1440, [{ atMin: 1440 + 600, byMs: 3 * HOUR }]);
    expect(feeds).toEqual([MON + 18 * HOUR, MON + 3 * DAY + 15 * HOUR]);
  });

  it('after a backward step no scheduled feed runs until the clock has caught up, then it feeds again', () => {
    // Back 2 h on Tuesday noon: untrusted for 2 h of real time (no slot in it); Thursday feeds at 18:00 new time.
    const feeds = run(gecko, 7 * 1440, [{ atMin: 1440 + 720, byMs: -2 * HOUR }]);
    expect(feeds).toEqual([MON + 18 * HOUR, MON + 3 * DAY + 20 * HOUR]);
  });

  it('a restart of a few minutes does not cost a feed', () => {
    const feeds = run(gecko, 7 * 1440, [{ atMin: 1440, byMs: 0, downMin: 10 }]);
    expect(feeds).toEqual([MON + 18 * HOUR, MON + 3 * DAY + 18 * HOUR]);
  });
});

describe('clock watch', () => {
  it('ignores disagreement within the tolerance and reports larger steps exactly', () => {
    const s0 = stepClockWatch(initialClockWatchState(), MON, null).state;
    expect(stepClockWatch(s0, MON + 1000 + CLOCK_STEP_TOLERANCE_MS, 1000).verdict).toEqual({ stepMs: 0, trusted: true, acrossRestart: false });
    expect(stepClockWatch(s0, MON + 1000 + HOUR, 1000).verdict).toEqual({ stepMs: HOUR, trusted: true, acrossRestart: false });
    const back = stepClockWatch(s0, MON + 1000 - HOUR, 1000);
    expect(back.verdict).toEqual({ stepMs: -HOUR, trusted: false, acrossRestart: false });
    expect(back.state.behindUntil).toBe(MON + 1000);
  });

  it('finds a step back across a restart, but takes a later clock after a restart for downtime', () => {
    const s0 = stepClockWatch(initialClockWatchState(), MON, null).state;
    expect(stepClockWatch(s0, MON - 11 * DAY, null).verdict).toEqual({ stepMs: -11 * DAY, trusted: false, acrossRestart: true });
    expect(stepClockWatch(s0, MON + 3 * DAY, null).verdict).toEqual({ stepMs: 0, trusted: true, acrossRestart: false });
  });
});
