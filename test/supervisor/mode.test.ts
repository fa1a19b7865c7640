import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/control/types.js';
import type { ComponentHealth } from '../../src/resilience/health-types.js';
import { deriveMode } from '../../src/supervisor/mode.js';

const healthy: ComponentHealth = { id: 'air', enclosureId: 'e', kind: 'sensor', status: 'healthy', lastSuccessAt: 1, lastErrorAt: null, counters: { reads: 1, failures: 0, retries: 0, recoveries: 0 } };
const latched: Fault = { kind: 'thermal-runaway', component: 'heater', at: 1, latched: true, message: 'x' };
const transient: Fault = { kind: 'sensor-stale', component: 'air', at: 1, latched: false, message: 'x' };

describe('deriveMode', () => {
  it.each([
    ['normal when all is healthy', { operatorMode: 'auto', faults: [], health: [healthy], fallbackActive: false }, 'normal'],
    ['degraded while a fallback runs', { operatorMode: 'auto', faults: [transient], health: [healthy], fallbackActive: true }, 'degraded'],
    ['degraded with a failed component', { operatorMode: 'auto', faults: [], health: [{ ...healthy, status: 'failed' }], fallbackActive: false }, 'degraded'],
    ['manual when the operator asks', { operatorMode: 'manual', faults: [], health: [healthy], fallbackActive: false }, 'manual'],
    ['safe on a latched heat fault, even in manual', { operatorMode: 'manual', faults: [latched], health: [healthy], fallbackActive: false }, 'safe'],
    ['degraded, not safe, when a sensor is latched for a person (fallback heat goes on)', { operatorMode: 'auto', faults: [{ ...latched, kind: 'component-failed', component: 'air' }], health: [healthy], fallbackActive: false }, 'degraded'],
  ] as const)('%s', (_name, inputs, expected) => {
    expect(deriveMode({ ...inputs, faults: [...inputs.faults], health: [...inputs.health] })).toBe(expected);
  });
});
