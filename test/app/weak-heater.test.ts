import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { runSimulation } from '../../simulators/run-simulation.js';

describe('a working heater too weak for a cold room (simulated physics)', () => {
  it('keeps heating through the cold: no latched fault, a "cannot keep up" warning, rests only briefly', async () => {
    const raw = JSON.parse(readFileSync('config/simulated.json', 'utf8'));
    raw.hardware.sim.room = { dayC: 5, nightC: 5, humidityPct: 50 };
    raw.enclosures[0].physics.initialC = 22;
    raw.enclosures[0].actuators[0].powerW = 60; // equilibrium about room + 15 °C: below the 22-28 °C setpoints
    const cfg = parseConfig(raw, 'config/simulated.json');
    const result = await runSimulation({ config: cfg, days: 0.25 });
    const faults = result.events.filter((e) => e.event.type === 'fault').map((e) => (e.event as { fault: { kind: string; latched: boolean; message: string } }).fault);
    expect(faults.filter((f) => f.latched)).toEqual([]);
    expect(faults.some((f) => f.kind === 'heater-no-heat' && /cannot keep up/.test(f.message))).toBe(true);
    expect(result.report.enclosures[0].actuators.heater.onTimePct).toBeGreaterThan(85);
  });
});
