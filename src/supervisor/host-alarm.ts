import type { HostThreshold } from '../config/host-schema.js';
import type { ThrottleFlags } from '../hal/host-metrics.js';
import type { HealthStatus } from '../resilience/health-types.js';

/** Alarm level of one metric: `ok` -> healthy, `warn` -> degraded, `critical` -> failed. */
export type AlarmLevel = 'ok' | 'warn' | 'critical';
export const RANK: Record<AlarmLevel, number> = { ok: 0, warn: 1, critical: 2 };
const LEVELS: AlarmLevel[] = ['ok', 'warn', 'critical'];
/** Health status of an alarm level. */
export const LEVEL_STATUS: Record<AlarmLevel, HealthStatus> = { ok: 'healthy', warn: 'degraded', critical: 'failed' };

/**
 * Next alarm level with hysteresis. A level is entered when the value reaches its threshold and
 * left only when the value is `hysteresis` back on the good side: with warn 75, critical 80,
 * hysteresis 5 (alarm above), warn is entered at 75 and cleared below 70, critical entered at 80
 * and left below 75 (to warn, or to ok below 70). `below` mirrors it (memory, disk).
 */
export function nextLevel(current: AlarmLevel, value: number, t: HostThreshold, direction: 'above' | 'below'): AlarmLevel {
  const s = direction === 'above' ? 1 : -1;
  const v = s * value;
  const [warn, crit] = [s * t.warn, s * t.critical];
  const raise: AlarmLevel = v >= crit ? 'critical' : v >= warn ? 'warn' : 'ok';
  const hold: AlarmLevel = v >= crit - t.hysteresis ? 'critical' : v >= warn - t.hysteresis ? 'warn' : 'ok';
  return LEVELS[Math.max(RANK[raise], Math.min(RANK[current], RANK[hold]))];
}

/** Under-voltage: now -> critical (brown-outs corrupt SD cards and make relays chatter); since boot -> warn. */
export function underVoltageLevel(f: ThrottleFlags): { level: AlarmLevel; reason?: string } {
  if (f.underVoltageNow) return { level: 'critical', reason: 'under-voltage now: the power supply cannot hold 5 V' };
  if (f.underVoltageOccurred) return { level: 'warn', reason: 'under-voltage has occurred since boot: the power supply is marginal' };
  return { level: 'ok' };
}

/** Throttling, frequency capping or the soft temperature limit active now -> warn. */
export function throttlingLevel(f: ThrottleFlags): { level: AlarmLevel; reason?: string } {
  const now = [f.throttledNow && 'throttled', f.freqCappedNow && 'ARM frequency capped', f.softTempLimitNow && 'soft temperature limit active'].filter(Boolean);
  return now.length ? { level: 'warn', reason: `${now.join(', ')} now` } : { level: 'ok' };
}
