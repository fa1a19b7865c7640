import type { TickOutcome } from '../app/enclosure-runtime.js';
import { HEAT_LOCKOUT_KINDS } from '../control/faults.js';
import type { FaultKind } from '../control/types.js';
import type { ComponentHealth } from '../resilience/health-types.js';
import { recordStart, type ProcessRecord } from '../supervisor/process-record.js';
import type { AlertDraft } from './types.js';

/**
 * Faults that are safety violations even when they are not latched: the enclosure is outside its
 * limits (too hot, too cold, too humid, no water for the mister) or an output misbehaves.
 * Transient sensor faults are not here: a sensor that stays broken shows as a failed component.
 */
export const SAFETY_KINDS: readonly FaultKind[] = ['over-temperature', 'under-temperature', 'thermal-runaway', 'heater-no-heat', 'stuck-relay', 'max-on-time', 'water-low', 'over-humidity'];

/** Process faults (supervisor/process-record.ts): told once by the start alert, not again per enclosure. */
const PROCESS_KINDS: readonly FaultKind[] = ['unclean-stop', 'crash-loop', 'watchdog-kill'];

/**
 * The alerts a reported tick raises: every `fault` event that is latched or a safety violation
 * ({@link SAFETY_KINDS}), except the process faults. A latched fault or a heat lockout is
 * `critical`, a non-latched violation a `warning`. Cheap: a loop over the tick's events, which
 * are usually none.
 */
export function faultAlerts(outcomes: readonly TickOutcome[]): AlertDraft[] {
  let out: AlertDraft[] | undefined;
  for (const oc of outcomes) {
    for (const ev of oc.events) {
      if (ev.type !== 'fault') continue;
      const f = ev.fault;
      if (PROCESS_KINDS.includes(f.kind) || !(f.latched || SAFETY_KINDS.includes(f.kind))) continue;
      (out ??= []).push({
        kind: `fault.${f.kind}`,
        severity: f.latched || HEAT_LOCKOUT_KINDS.includes(f.kind) ? 'critical' : 'warning',
        enclosureId: oc.snapshot.enclosureId,
        component: f.component,
        title: `${oc.snapshot.name}: ${f.kind} (${f.component})`,
        message: `${f.message}${f.latched ? '. Latched: it stays in force until acknowledged (terrarium ack).' : ''}`,
        at: f.at,
      });
    }
  }
  return out ?? [];
}

/**
 * Follows component health between looks: `component.failed` when a component's status becomes
 * `failed`, `component.recovered` when one that had failed is `healthy` again (a `degraded` step
 * in between does not count as back).
 */
export class HealthWatch {
  private readonly failed = new Set<string>();

  /** The alerts since the previous look. `names`: enclosure display names by id. @param now wall ms */
  diff(list: readonly ComponentHealth[], now: number, names: ReadonlyMap<string, string>): AlertDraft[] {
    const out: AlertDraft[] = [];
    for (const h of list) {
      const key = `${h.enclosureId ?? ''}/${h.id}`;
      const where = h.enclosureId === null ? 'controller' : (names.get(h.enclosureId) ?? h.enclosureId);
      if (h.status === 'failed' && !this.failed.has(key)) {
        this.failed.add(key);
        out.push({
          kind: 'component.failed',
          severity: 'warning',
          enclosureId: h.enclosureId,
          component: h.id,
          title: `${where}: ${h.id} failed`,
          message: `${h.kind} ${h.id} failed${h.reason ? `: ${h.reason}` : h.lastError ? `: ${h.lastError}` : ''}. The controller keeps trying to recover it and holds the enclosure on its safe fallback meanwhile.`,
          at: h.lastErrorAt ?? now,
        });
      } else if (h.status === 'healthy' && this.failed.delete(key)) {
        out.push({ kind: 'component.recovered', severity: 'info', enclosureId: h.enclosureId, component: h.id, title: `${where}: ${h.id} is back`, message: `${h.kind} ${h.id} works again.`, at: h.lastSuccessAt ?? now });
      }
    }
    return out;
  }
}

/**
 * The alert of a controller start, from the process record the previous process left
 * (`state.json`, read before the controller starts): a clean stop, an unclean one (crash, kill,
 * power cut), a kill by the watchdog, a crash loop, or no record (first start, or unreadable).
 * @param prev the previous record; `undefined` when there is none, `null` when it could not be read
 * @param now wall ms of this start
 */
export function startAlert(prev: ProcessRecord | undefined | null, now: number): AlertDraft {
  const base = { kind: 'controller.started' as const, enclosureId: null, component: 'controller', at: now };
  if (prev === null) return { ...base, severity: 'warning', title: 'controller started', message: 'The controller started; whether its previous stop was clean is unknown (the state file could not be read).' };
  if (prev === undefined) return { ...base, severity: 'info', title: 'controller started', message: 'The controller started (no record of a previous run: first start).' };
  const { faults } = recordStart(prev, now);
  if (faults.length === 0) return { ...base, severity: 'info', title: 'controller started', message: 'The controller started; its previous stop was clean.' };
  const critical = faults.some((f) => f.kind !== 'unclean-stop');
  return {
    ...base,
    severity: critical ? 'critical' : 'warning',
    title: `controller restarted after an unclean stop${critical ? ` (${faults.filter((f) => f.kind !== 'unclean-stop').map((f) => f.kind).join(', ')})` : ''}`,
    message: `${faults.map((f) => f.message).join('. ')}. The animals were without control meanwhile; the fault is latched in every enclosure until acknowledged (terrarium ack).`,
  };
}
