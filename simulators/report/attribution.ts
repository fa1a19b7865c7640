import { touches } from './touches.js';
import type { AttributedFault, FaultRecord, InjectedEvent, SafetyViolation } from './types.js';

/**
 * How long after an injected event is cleared it still counts as the cause of a fault, ms: a
 * sensor's staleness and recovery ladder, a cooled enclosure warming up after a restart.
 */
export const AFTERMATH_MS = 10 * 60_000;
/**
 * A limit fault (`over-temperature`, `under-temperature`, `over-humidity`) within this many ms of a
 * true safety violation of the same kind in its enclosure is confirmed by the physics, ms.
 */
export const CONFIRM_MS = 5 * 60_000;

const LIMIT_KINDS: ReadonlySet<string> = new Set(['over-temperature', 'under-temperature', 'over-humidity']);

/**
 * Attributes each fault of enclosure `enclosureId` to the injected event that touched its
 * component most recently before it was raised, while active or within {@link AFTERMATH_MS} of
 * being cleared (events never cleared stay active to the end). A fault no event explains is a
 * false alarm, unless it is a limit fault confirmed by a true safety violation of the same kind
 * within {@link CONFIRM_MS}. Times are wall ms.
 */
export function attributeFaults(enclosureId: string, faults: readonly FaultRecord[], injected: readonly InjectedEvent[], violations: readonly SafetyViolation[]): AttributedFault[] {
  return faults.map((f) => {
    let cause = -1;
    for (let i = 0; i < injected.length; i++) {
      const ev = injected[i];
      if (ev.at > f.at || !touches(ev.touches, enclosureId, f.component)) continue;
      if (ev.clearedAt !== null && f.at > ev.clearedAt + AFTERMATH_MS) continue;
      if (cause < 0 || ev.at >= injected[cause].at) cause = i;
    }
    if (cause >= 0) return { ...f, event: cause, sinceEventSeconds: (f.at - injected[cause].at) / 1000, falseAlarm: false };
    const confirmed = LIMIT_KINDS.has(f.kind) && violations.some((v) => v.kind === f.kind && v.from - CONFIRM_MS <= f.at && f.at <= v.to + CONFIRM_MS);
    return { ...f, event: null, sinceEventSeconds: null, falseAlarm: !confirmed };
  });
}
