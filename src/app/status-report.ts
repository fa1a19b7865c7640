import type { Config } from '../config/load.js';
import type { EnclosureSnapshot } from '../control/snapshot.js';
import type { Clock } from '../hal/clock.js';
import type { Controller } from './controller.js';

/** What `terrarium status` shows: per enclosure the last snapshot, plus recovery in progress. */
export interface StatusReport {
  controllerId: string;
  at: number;
  ticks: number;
  enclosures: EnclosureSnapshot[];
  recovering: Array<{ enclosureId: string | null; component: string; step: string; fault: string }>;
  recentRecoveries: unknown[];
}

/** Builds the status report of a running controller (served on the local socket). */
export function statusReport(c: Controller, config: Config, clock: Clock): StatusReport {
  return {
    controllerId: config.controller.id,
    at: clock.now(),
    ticks: c.progress().ticks,
    enclosures: config.enclosures.flatMap((e) => {
      const s = c.runtime(e.id)?.snapshot();
      return s ? [s] : [];
    }),
    recovering: c.supervisor.ladderSteps(),
    recentRecoveries: c.state.get().recoveries.slice(-10),
  };
}
