import type { EnclosureSnapshot } from '../control/snapshot.js';

/**
 * One compact line for an enclosure, for the terminal while `terrarium run` runs:
 * local time (controller zone), enclosure, air temperature → setpoint, phase, heater state
 * (ON/off, or its duty reason when on a fallback duty), mode, faults.
 * `14:03:05 gecko  24.31 °C → 28.0 °C  day  heater ON  NORMAL  no faults`
 * @param s the enclosure's last snapshot
 * @param timeOfDay formats a wall time (ms) as local `HH:MM:SS`
 */
export function formatLiveLine(s: EnclosureSnapshot, timeOfDay: (ms: number) => string): string {
  const t = s.temperature?.value;
  const temp = t === null || t === undefined ? `  --.-- °C (${s.temperature?.quality ?? 'missing'})` : `${t.toFixed(2).padStart(6)} °C`;
  const heaters = Object.entries(s.actuators).filter(([, a]) => a.kind === 'heater');
  const heat = heaters.length
    ? heaters.map(([id, a]) => `${id} ${a.on ? 'ON ' : 'off'}${/duty/.test(a.reason) ? ` (${a.reason})` : ''}`).join(', ')
    : 'no heater';
  const faults = s.faults.length ? `faults: ${s.faults.map((f) => `${f.kind}${f.latched ? ' (latched)' : ''} [${f.component}]`).join(', ')}` : 'no faults';
  return `${timeOfDay(s.at)} ${s.enclosureId}  ${temp} → ${s.setpointC.toFixed(1)} °C  ${s.phase.padEnd(5)}  ${heat}  ${s.mode.toUpperCase()}  ${faults}`;
}

/** `HH:MM:SS` in an IANA time zone. */
export function timeOfDayIn(timezone: string): (ms: number) => string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  return (ms) => f.format(ms);
}
