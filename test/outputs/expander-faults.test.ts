import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import type { Scenario } from '../../simulators/scenario.js';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';
import { referenceConfig } from '../scenarios/support.js';

const MCP = { type: 'mcp23017', bus: 1, address: 0x20, line: 0, activeLow: true };

/** The reference enclosure with its heater on line GPA0 of an MCP23017 at 0x20 on bus 1, in a cool room so the heater cycles. */
function expanderConfig(stateDir: string): Config {
  const config = referenceConfig((raw) => {
    raw.hardware.sim.room = { dayC: 18, nightC: 16, humidityPct: 45 };
    raw.enclosures[0].actuators[0].output = MCP;
  });
  return { ...config, controller: { ...config.controller, stateDir } };
}

function scenario(events: Scenario['events']): Scenario {
  return { name: 'expander-faults', description: 'faults of the heater relay expander', days: 0.25, events, expect: {} } as unknown as Scenario;
}

describe('a heater relay on an MCP23017 under bus faults', () => {
  it('fails the heater while the expander is unreachable, recovers it when it answers again, and no limit is crossed', async () => {
    const dir = createSimStateDir('expander-faults-');
    try {
      const config = expanderConfig(dir.dir);
      const result = await runSimulation({
        config,
        days: 0.25,
        seed: 5,
        scenario: scenario([{ at: '2h', duration: '2m', device: 'heater', fault: { kind: 'i2c-disconnect' } } as never]),
      });
      const enc = result.report.enclosures[0];
      expect(enc.safetyViolations).toEqual([]);
      const heaterRecoveries = result.recoveries.filter((r) => r.component === 'heater');
      expect(heaterRecoveries.some((r) => r.outcome === 'recovered')).toBe(true);
      const [window] = result.faultWindows;
      const recovered = heaterRecoveries.find((r) => r.outcome === 'recovered' && (r.endedAt ?? 0) >= (window.to ?? Infinity));
      expect(recovered, 'recovered after the expander answered again').toBeDefined();
      expect((recovered?.endedAt as number) - (window.to as number)).toBeLessThanOrEqual(60_000);
      expect(enc.actuators.heater.cycles).toBeGreaterThan(2);
      const modes = result.modes.filter((m) => m.enclosureId === 'gecko').map((m) => m.mode);
      expect(modes).toContain('degraded');
      expect(modes.at(-1)).toBe('normal');
    } finally {
      dir.remove();
    }
  }, 300_000);
});
