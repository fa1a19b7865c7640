import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { loadScenario } from '../../simulators/scenario.js';
import { scenarioFile } from './support.js';

/**
 * The shipped rack (`config/simulated-rack.json`: four enclosures, each with a BME280 and two
 * DS18B20 on one 1-Wire master) on faithful device timing: a DS18B20 conversion takes 750 ms and
 * the kernel does one 1-Wire transaction at a time, so reading the eight probes takes 6 s. The
 * control tick (1 s) holds only if sampling does not sit on the tick's path: sensors sample
 * beside the tick and the tick decides over their latest readings (when the tick awaited every
 * sensor in turn it stretched to 7 s).
 */
describe('tick period on real device timing', () => {
  it('keeps the 1 s control tick with four enclosures of one BME280 and two DS18B20 each', async () => {
    const config = loadConfig('config/simulated-rack.json');
    expect(config.hardware.sim.timing).toBe('faithful');
    const scenario = loadScenario(scenarioFile('tick-period-real-timing'));
    const at: number[] = [];
    await runSimulation({
      config,
      days: 10 / 1440,
      scenario,
      onTick: (outcomes, world) => {
        if (outcomes.length === 4) at.push(world.clock.monotonic());
      },
    });
    const periods = at.slice(60).map((t, i) => t - at[59 + i]);
    periods.sort((a, b) => a - b);
    const median = periods[Math.floor(periods.length / 2)];
    const p95 = periods[Math.floor(periods.length * 0.95)];
    expect({ median: Math.round(median), p95: Math.round(p95) }).toEqual({ median: 1000, p95: expect.any(Number) });
    expect(p95).toBeLessThan(1100);
  });
});
