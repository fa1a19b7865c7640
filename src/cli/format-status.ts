import type { PersistedState } from '../app/enclosure-state.js';
import type { StatusReport } from '../app/status-report.js';
import type { ControllerTarget } from './find-controller.js';

const iso = (t: number | null | undefined): string => (t === null || t === undefined ? '-' : new Date(t).toISOString().replace('.000Z', 'Z'));
const num = (v: number | null | undefined, unit: string, digits = 1): string => (v === null || v === undefined ? '-' : `${v.toFixed(digits)} ${unit}`);

/** Renders `terrarium status` for a person at the Pi's console. */
export function formatStatus(target: Pick<ControllerTarget, 'controllerId' | 'socket'>, live: StatusReport | undefined, persisted: PersistedState): string {
  const lines: string[] = [];
  if (!live) {
    lines.push(`controller ${target.controllerId}: NOT RUNNING (no answer on ${target.socket})`);
    for (const [id, e] of Object.entries(persisted.enclosures)) {
      lines.push(`enclosure ${id}: mode ${e.operator.mode}`);
      for (const f of e.guard.latched) lines.push(`  LATCHED ${f.kind} (${f.component}) since ${iso(f.at)}: ${f.message}`);
      for (const [fid, fs] of Object.entries(e.feeding)) lines.push(`  feeder ${fid}: last fed ${iso(fs.lastFedAt)}`);
    }
    for (const r of persisted.recoveries.slice(-5)) lines.push(`  recovery ${r.component}: ${r.strategy} ${r.outcome} at ${iso(r.startedAt)}`);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`controller ${live.controllerId}: running, ${live.ticks} ticks, at ${iso(live.at)}`);
  for (const s of live.enclosures) {
    lines.push('');
    lines.push(`${s.name} [${s.enclosureId}]  mode ${s.mode.toUpperCase()}  ${s.phase}  setpoint ${s.setpointC.toFixed(1)} °C ±${(s.hysteresisC / 2).toFixed(1)}${s.setpointOverridden ? ' (override)' : ''}`);
    lines.push(`  temperature ${num(s.temperature?.value, '°C', 2)} (${s.temperature?.quality ?? 'missing'})   humidity ${num(s.humidity?.value, '%RH')} (${s.humidity?.quality ?? 'missing'})   pressure ${num(s.pressure?.value === undefined || s.pressure?.value === null ? null : s.pressure.value / 100, 'hPa')}`);
    lines.push(`  outputs: ${Object.entries(s.actuators).map(([id, a]) => `${id} ${a.on ? 'ON' : 'off'}`).join(', ')}`);
    lines.push(`  last fed: ${iso(s.lastFedAt)}`);
    for (const h of s.health) lines.push(`  ${h.status.padEnd(8)} ${h.id}${h.reason ? `: ${h.reason}` : ''}`);
    for (const f of s.faults) lines.push(`  ${f.latched ? 'LATCHED' : 'fault  '} ${f.kind} (${f.component}) since ${iso(f.at)}: ${f.message}`);
  }
  if (live.recovering.length) {
    lines.push('');
    for (const r of live.recovering) lines.push(`recovering ${r.component}: step ${r.step} (${r.fault})`);
  }
  return `${lines.join('\n')}\n`;
}
