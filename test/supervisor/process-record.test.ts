import { describe, expect, it } from 'vitest';
import { CRASH_LOOP_RESTARTS, recordCleanStop, recordStart, recordWatchdog } from '../../src/supervisor/process-record.js';

const T0 = Date.UTC(2026, 5, 1, 3, 0);
const MIN = 60_000;

describe('process record', () => {
  it('reveals nothing on a first start or after a clean stop', () => {
    const first = recordStart(undefined, T0);
    expect(first.faults).toEqual([]);
    expect(first.record.running).toBe(true);
    expect(recordStart(recordCleanStop(first.record), T0 + MIN).faults).toEqual([]);
  });

  it('latches unclean-stop when the previous process never stopped cleanly, with the gap since its last tick', () => {
    const { record } = recordStart(undefined, T0);
    const again = recordStart(record, T0 + 50 * MIN, T0 + 5 * MIN);
    expect(again.faults).toHaveLength(1);
    expect(again.faults[0]).toMatchObject({ kind: 'unclean-stop', component: 'controller', latched: true, at: T0 + 50 * MIN });
    expect(again.faults[0].message).toMatch(/last control tick on record 45 min before this start/);
  });

  it('names a watchdog kill when the process died while the watchdog withheld its pings', () => {
    const { record } = recordStart(undefined, T0);
    const hung = recordWatchdog(record, true, T0 + 10 * MIN);
    expect(recordWatchdog(hung, true, T0 + 11 * MIN).watchdogWithheldAt).toBe(T0 + 10 * MIN);
    const after = recordStart(hung, T0 + 55 * MIN);
    expect(after.faults.map((f) => f.kind)).toEqual(['watchdog-kill']);
    expect(after.faults[0].message).toMatch(/withheld since 45 min/);
    // Resumed in time: a later crash is a plain unclean stop.
    expect(recordStart(recordWatchdog(hung, false, T0 + 12 * MIN), T0 + 20 * MIN).faults.map((f) => f.kind)).toEqual(['unclean-stop']);
  });

  it('latches crash-loop from the fifth unclean restart within an hour (14 in an hour: reported at once, every time)', () => {
    let record = recordStart(undefined, T0).record;
    const loops: number[] = [];
    for (let i = 1; i <= 14; i++) {
      const r = recordStart(record, T0 + i * 4 * MIN);
      record = r.record;
      if (r.faults.some((f) => f.kind === 'crash-loop')) loops.push(i);
    }
    expect(loops[0]).toBe(CRASH_LOOP_RESTARTS);
    expect(loops).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('does not count unclean restarts older than an hour', () => {
    let record = recordStart(undefined, T0).record;
    for (let i = 1; i <= 10; i++) {
      const r = recordStart(record, T0 + i * 20 * MIN);
      record = r.record;
      expect(r.faults.map((f) => f.kind)).toEqual(['unclean-stop']);
    }
  });
});
