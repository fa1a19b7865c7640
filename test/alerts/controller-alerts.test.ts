import { afterEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/alerts/alerter.js';
import { Controller } from '../../src/app/controller.js';
import { silentLogger } from '../../src/app/logger.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { applyFault } from '../../simulators/fault-injector.js';
import { drive } from '../../simulators/run-simulation.js';
import type { ScenarioEvent } from '../../simulators/scenario.js';
import { SimWorld } from '../../simulators/sim-world.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { Receiver, simConfig } from './helpers.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

/** Runs the controller for `seconds` of virtual time, one second at a time, letting deliveries (real HTTP) finish between. */
async function run(clock: VirtualClock, alerter: Alerter, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    await clock.advance(1000);
    await alerter.idle();
  }
}

function fault(kind: string, device?: string): ScenarioEvent {
  return { at: 0, ...(device ? { device } : {}), fault: { kind } } as unknown as ScenarioEvent;
}

describe('alerts from a controller on simulated hardware', () => {
  it('tell the keeper of a safety violation and a failed component, and of a restart after a crash, each once', async () => {
    const rx = await new Receiver().up();
    receivers.push(rx);
    const cfg = simConfig({ webhook: { url: `${rx.url}/hook` }, retry: { minSeconds: 5, maxSeconds: 20 } });
    const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
    const world = new SimWorld(cfg, clock);
    const log = silentLogger();

    const alerter = new Alerter({ config: cfg, clock, log, random: new SeededRandom(7) });
    alerter.start();
    const c = new Controller({ config: cfg, hardware: world.hardware(), log, observers: [alerter.observer] });
    alerter.watchHealth(() => c.health());
    await drive(clock, c.start());
    await run(clock, alerter, 30);
    expect(rx.bodies().map((b) => b.kind)).toEqual(['controller.started']);
    expect(rx.bodies()[0].message).toMatch(/first start/);

    // the reservoir runs dry: the water interlock's safety fault reaches the keeper
    const refill = applyFault(world, cfg, fault('water-empty'));
    await run(clock, alerter, 30);
    const water = rx.bodies().filter((b) => b.kind === 'fault.water-low');
    expect(water).toHaveLength(1);
    expect(water[0]).toMatchObject({ severity: 'warning', enclosure: 'gecko', component: 'mister' });
    expect(water[0].message).toMatch(/reservoir empty/);
    refill();

    // the air sensor's chip stops answering: its component fails
    const reconnect = applyFault(world, cfg, fault('i2c-disconnect', 'air'));
    for (let i = 0; i < 600 && !rx.bodies().some((b) => b.kind === 'component.failed'); i++) await run(clock, alerter, 1);
    const failed = rx.bodies().filter((b) => b.kind === 'component.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ enclosure: 'gecko', component: 'air' });
    reconnect();
    for (let i = 0; i < 900 && !rx.bodies().some((b) => b.kind === 'component.recovered'); i++) await run(clock, alerter, 1);
    expect(rx.bodies().filter((b) => b.kind === 'component.recovered')).toMatchObject([{ component: 'air' }]);

    // the receiver goes away; the reservoir runs dry again (a new alert, past the rate-limit window),
    // then the controller process crashes: no clean stop, the alert stays queued
    await rx.down();
    await run(clock, alerter, 600);
    const dry = applyFault(world, cfg, fault('water-empty'));
    await run(clock, alerter, 30);
    expect(alerter.counts()?.pending).toBe(1);
    await drive(clock, c.abandon());
    world.crashProcess();
    await alerter.stop();
    const before = rx.got.length;

    // a new process on the same state directory; the receiver is back
    await rx.up();
    const alerter2 = new Alerter({ config: cfg, clock, log, random: new SeededRandom(8) });
    alerter2.start();
    const c2 = new Controller({ config: cfg, hardware: world.hardware(), log, observers: [alerter2.observer] });
    alerter2.watchHealth(() => c2.health());
    await drive(clock, c2.start());
    await run(clock, alerter2, 60);
    dry();
    const after = rx.bodies().slice(before);
    // the alert queued before the crash, the restart, and the new process finding the reservoir still dry
    expect(after.map((b) => b.kind)).toEqual(['fault.water-low', 'controller.started', 'fault.water-low']);
    expect(after[0].id).not.toBe(after[2].id);
    expect(after[1]).toMatchObject({ severity: 'warning' });
    expect(after[1].message).toMatch(/did not stop cleanly/);
    // every alert arrived exactly once
    const ids = rx.bodies().map((b) => b.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(alerter2.counts()).toMatchObject({ pending: 0 });

    await drive(clock, c2.stop());
    await alerter2.stop();
    // a clean stop is told as such at the next start
    const alerter3 = new Alerter({ config: cfg, clock, log, random: new SeededRandom(9) });
    alerter3.start();
    await clock.advance(0);
    await alerter3.idle();
    expect(rx.bodies().at(-1)).toMatchObject({ kind: 'controller.started', severity: 'info' });
    expect(rx.bodies().at(-1)?.message).toMatch(/previous stop was clean/);
    await alerter3.stop();
  }, 60_000);
});
