import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { outboxFile, outboxOptions } from '../../src/telemetry/telemetry.js';
import { T0, testConfig } from './support/fixtures.js';

describe('outbox options for the app', () => {
  const clock = new VirtualClock(T0);

  it('take the bounds from mqtt.outbox, hours turned into ms', () => {
    const o = outboxOptions(testConfig({ url: 'mqtt://127.0.0.1', outbox: { maxRows: 500, maxAgeHours: 2 } }), clock);
    expect([o.maxRows, o.maxAgeMs]).toEqual([500, 7_200_000]);
  });

  it('fall back to the schema defaults without an mqtt section', () => {
    const o = outboxOptions(testConfig(null), clock);
    expect([o.maxRows, o.maxAgeMs]).toEqual([100_000, 168 * 3_600_000]);
  });

  it('put the outbox in the state directory', () => {
    const cfg = testConfig(null);
    expect(outboxFile(cfg)).toBe(`${cfg.controller.stateDir}/outbox.db`);
  });
});
