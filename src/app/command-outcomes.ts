import type { CommandResult } from '../telemetry/sink.js';

/**
 * The final outcome of a manual output command, read after the tick that acted on it: `applied`
 * when the output is in the requested state, else `refused` with the reason the control loop gives
 * for its state (an interlock or wear limit, with when the output may change), or `superseded`
 * when a later command for the same output replaced it before the tick.
 * @param state the output's applied state and reason now
 * @param current false once a later command for the output arrived
 */
export function outputOutcome(id: string, on: boolean, state: () => { on: boolean; reason: string } | undefined, current: () => boolean): () => CommandResult | null {
  return () => {
    if (!current()) return { ok: false, outcome: 'superseded', reason: `a later command for ${id} replaced this one` };
    const s = state();
    if (!s) return { ok: false, outcome: 'refused', reason: `no output "${id}"` };
    if (s.on === on) return { ok: true, outcome: 'applied', detail: `${id} ${on ? 'on' : 'off'} (${s.reason})` };
    return { ok: false, outcome: 'refused', reason: `${id} stays ${s.on ? 'on' : 'off'}: ${s.reason}` };
  };
}
