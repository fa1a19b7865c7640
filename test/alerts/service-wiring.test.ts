import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { startService } from '../../src/app/service.js';
import { drive } from '../../simulators/run-simulation.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { Receiver, simConfig } from './helpers.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

/** Waits (bounded by iterations, not wall time) until the receiver has `n` requests, advancing virtual time a little. */
async function until(clock: VirtualClock, rx: Receiver, n: number): Promise<void> {
  for (let i = 0; i < 2000 && rx.got.length < n; i++) {
    await clock.advance(10);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('terrarium run with alerts configured', () => {
  it('alerts at each start, and says the previous stop was clean after a clean stop', async () => {
    const rx = await new Receiver().up();
    receivers.push(rx);
    const cfg = simConfig({ webhook: { url: `${rx.url}/hook` } }, (raw) => {
      raw.host = { enabled: false };
    });
    const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
    const first = await drive(clock, startService({ config: cfg, clock, log: silentLogger(), forceSim: true }));
    await until(clock, rx, 1);
    expect(rx.bodies()).toMatchObject([{ kind: 'controller.started', severity: 'info' }]);
    expect(rx.bodies()[0].message).toMatch(/first start/);
    await drive(clock, first.stop());

    const second = await drive(clock, startService({ config: cfg, clock, log: silentLogger(), forceSim: true }));
    await until(clock, rx, 2);
    expect(rx.bodies()[1]).toMatchObject({ kind: 'controller.started', severity: 'info' });
    expect(rx.bodies()[1].message).toMatch(/previous stop was clean/);
    await drive(clock, second.stop());
    expect(rx.got).toHaveLength(2);
  }, 60_000);
});
