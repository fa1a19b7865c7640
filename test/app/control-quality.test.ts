import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runSimulation } from '../../simulators/run-simulation.js';

describe('control quality in the reference enclosure', () => {
  it('keeps the leopard gecko enclosure within ±1 °C of the active setpoint ≥ 95 % of 7 days after warm-up, with ≤ 6 heater cycles per hour', async () => {
    const result = await runSimulation({ config: loadConfig('config/simulated.json'), days: 7, seed: 7 });
    const enc = result.report.enclosures[0];
    expect(enc.temperature.timeInBandPct).toBeGreaterThanOrEqual(95);
    expect(enc.actuators.heater.cyclesPerHour).toBeLessThanOrEqual(6);
    expect(enc.safetyViolations).toEqual([]);
    // fed on the profile's schedule: Mon and Thu 18:00 Europe/Berlin, from a Monday 2026-06-01 start
    expect(enc.feeds.length).toBe(2);
  }, 900_000);
});
