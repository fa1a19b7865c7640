import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runSimulation } from '../../simulators/run-simulation.js';

describe('the shipped 24-enclosure rack (MCP23017 relays and smart plugs)', () => {
  it('validates, and runs on simulated expanders and plugs with every heater under control and no safety violation', async () => {
    const config = loadConfig('config/example-rack.json');
    expect(config.enclosures).toHaveLength(24);
    const kinds = new Set(config.enclosures.flatMap((e) => e.actuators.map((a) => (a.kind === 'feeder' ? 'feeder' : a.output.type))));
    expect([...kinds].sort()).toEqual(['mcp23017', 'shelly', 'tasmota']);
    const { report } = await runSimulation({ config, days: 0.25, seed: 3 });
    for (const enc of report.enclosures) {
      expect({ id: enc.id, violations: enc.safetyViolations }).toEqual({ id: enc.id, violations: [] });
      const heater = enc.actuators.heater;
      if (heater) expect(heater.onTimePct, `${enc.id} heater never switched`).toBeGreaterThan(0);
    }
  }, 600_000);
});
