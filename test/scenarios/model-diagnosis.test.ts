import { describe, expect, it } from 'vitest';
import { HEAT_LOCKOUT_KINDS } from '../../src/control/faults.js';
import type { Fault } from '../../src/control/types.js';
import { runSimulation } from '../../simulators/run-simulation.js';
import { referenceConfig } from './support.js';

/**
 * The enclosure model's diagnosis inside the real controller (simulated terrarium, virtual time).
 * Reference enclosure: Europe/Berlin, simulation starts 2026-06-01 00:00 UTC (02:00 local), the day
 * setpoint (28 °C, from 22 °C at night) starts at 08:00 local = 6 h into the run.
 */
describe('a BME280 frozen while the enclosure heats up', () => {
  it('is named as the sensor within minutes, excluded from control (the DS18B20 takes over), and the heater is not blamed', async () => {
    const cfg = referenceConfig();
    const freezeAt = 5.5 * 3_600_000;
    const heatFrom = 6 * 3_600_000;
    let controlSensorAfter = new Set<string>();
    let trueAirAt9h = Number.NaN;
    let start = Number.NaN;
    const result = await runSimulation({
      config: cfg,
      days: 9.5 / 24,
      scenario: { name: 'frozen-bme280-while-heating', description: 'BME280 frozen half an hour before the morning heat-up', days: 1, events: [{ at: freezeAt / 1000, device: 'air', fault: { kind: 'stuck-value' } }], expect: { modes: [], faults: [] } },
      onTick: (outcomes, world) => {
        const s = outcomes[0].snapshot;
        if (Number.isNaN(start)) start = s.at;
        const t = s.at - start;
        if (t > heatFrom + 20 * 60_000 && s.temperature) controlSensorAfter.add(s.temperature.sensorId);
        if (Number.isNaN(trueAirAt9h) && t >= 9 * 3_600_000) trueAirAt9h = world.truth('gecko').airC;
      },
    });
    const faults = result.events.flatMap((e) => (e.event.type === 'fault' ? [e.event.fault as Fault] : []));
    const frozen = faults.find((f) => f.kind === 'sensor-frozen');
    expect(frozen?.component).toBe('air');
    expect((frozen!.at - start - heatFrom) / 60_000).toBeLessThan(15);
    expect(faults.filter((f) => f.component === 'heater').map((f) => f.kind)).toEqual([]);
    expect(faults.filter((f) => f.latched && HEAT_LOCKOUT_KINDS.includes(f.kind))).toEqual([]);
    expect([...controlSensorAfter]).toEqual(['probe']);
    expect(trueAirAt9h).toBeGreaterThan(27);
  });
});
