import { makeFault } from '../control/faults.js';
import type { Fault } from '../control/types.js';

/**
 * The controller process as a component that can fail: a restart after an unclean stop (crash,
 * kill, power cut), a crash loop and a kill by the systemd watchdog are faults like any other,
 * recorded in the state document and latched in every enclosure until a person acknowledges (the
 * animal was without control meanwhile, and a keeper who does not look at the journal would never
 * know). A stall of the control loop inside a running process is caught by the guard
 * (`tick-overrun`, guard.ts).
 *
 * The record is written at start (`running: true`) and at a clean stop (`running: false`): finding
 * `running: true` at start means the previous process never reached its clean stop. While the
 * watchdog withholds its keep-alive pings (the loop made no progress) the time is recorded, so a
 * process that dies then was most likely killed by systemd (`WatchdogSec=`, `Restart=`: systemd
 * sends SIGABRT to a service that stops pinging, systemd.service(5)).
 */

/** Unclean restarts within {@link CRASH_LOOP_WINDOW_MS} that make a crash loop (systemd's default StartLimitBurst is 5 in 10 s; ours counts slower loops too). */
export const CRASH_LOOP_RESTARTS = 5;
/** Window of the crash-loop count, ms (1 h). */
export const CRASH_LOOP_WINDOW_MS = 3_600_000;
/** Component name of the process faults. */
export const PROCESS_COMPONENT = 'controller';

/** What the state document keeps about the process (wall ms). */
export interface ProcessRecord {
  /** True from start to a clean stop. */
  running: boolean;
  /** Wall ms of the unclean restarts within the crash-loop window (newest last, bounded). */
  uncleanRestarts: number[];
  /** Wall ms the watchdog began withholding its pings, null while the loop is healthy. */
  watchdogWithheldAt: number | null;
  /** Wall ms of the last start. */
  startedAt: number | null;
}

export function initialProcessRecord(): ProcessRecord {
  return { running: false, uncleanRestarts: [], watchdogWithheldAt: null, startedAt: null };
}

/**
 * The record after a start at wall ms `now`, and the faults the start reveals (latched, component
 * {@link PROCESS_COMPONENT}): `unclean-stop` or `watchdog-kill` when the previous process did not
 * stop cleanly, and `crash-loop` when that happened {@link CRASH_LOOP_RESTARTS} times within
 * {@link CRASH_LOOP_WINDOW_MS}. A missing record (first start, older state) reveals nothing.
 * @param lastSeenAt wall ms of the last control tick the previous process persisted, if known
 */
export function recordStart(prev: ProcessRecord | undefined, now: number, lastSeenAt?: number | null): { record: ProcessRecord; faults: Fault[] } {
  const p = prev ?? initialProcessRecord();
  const faults: Fault[] = [];
  let unclean = p.uncleanRestarts.filter((at) => now - at < CRASH_LOOP_WINDOW_MS && at <= now);
  if (p.running) {
    unclean = [...unclean, now].slice(-4 * CRASH_LOOP_RESTARTS);
    const gap = lastSeenAt != null && lastSeenAt <= now ? `; last control tick on record ${Math.round((now - lastSeenAt) / 60_000)} min before this start` : '';
    if (p.watchdogWithheldAt !== null) {
      const since = Math.round((now - p.watchdogWithheldAt) / 60_000);
      faults.push(makeFault('watchdog-kill', PROCESS_COMPONENT, now, true, `the controller stopped making progress (watchdog withheld since ${since} min before this start) and was killed and restarted${gap}`));
    } else {
      faults.push(makeFault('unclean-stop', PROCESS_COMPONENT, now, true, `the controller did not stop cleanly (crash, kill or power cut) and was restarted${gap}`));
    }
    if (unclean.length >= CRASH_LOOP_RESTARTS) {
      faults.push(makeFault('crash-loop', PROCESS_COMPONENT, now, true, `the controller restarted ${unclean.length} times within ${Math.round(CRASH_LOOP_WINDOW_MS / 60_000)} min after unclean stops: it keeps crashing; look at the journal (journalctl -u terrarium)`));
    }
  }
  return { record: { running: true, uncleanRestarts: unclean, watchdogWithheldAt: null, startedAt: now }, faults };
}

/** The record after a clean stop. */
export function recordCleanStop(prev: ProcessRecord | undefined): ProcessRecord {
  return { ...(prev ?? initialProcessRecord()), running: false, watchdogWithheldAt: null };
}

/** The record after the watchdog began (`withheld`) or stopped withholding its pings at wall ms `now`. */
export function recordWatchdog(prev: ProcessRecord | undefined, withheld: boolean, now: number): ProcessRecord {
  const p = prev ?? initialProcessRecord();
  return { ...p, watchdogWithheldAt: withheld ? (p.watchdogWithheldAt ?? now) : null };
}
