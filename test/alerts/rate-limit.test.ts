import { afterEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/alerts/alerter.js';
import type { AlertDraft } from '../../src/alerts/types.js';
import { silentLogger } from '../../src/app/logger.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { Receiver, simConfig } from './helpers.js';

const START = Date.parse('2026-06-01T22:00:00Z');
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

function water(n: number, enclosureId = 'gecko'): AlertDraft {
  return { kind: 'fault.water-low', severity: 'warning', enclosureId, component: 'mister', title: `water low ${n}`, message: `reservoir empty (${n})`, at: START + n * 1000 };
}

describe('alert rate limit', () => {
  it('folds repeats of one enclosure and kind inside the window into one later alert with their count', async () => {
    const rx = await new Receiver().up();
    receivers.push(rx);
    const cfg = simConfig({ webhook: { url: `${rx.url}/hook` }, minIntervalSeconds: 600 });
    const clock = new VirtualClock(START);
    const alerter = new Alerter({ config: cfg, clock, log: silentLogger(), random: new SeededRandom(1) });
    alerter.start();
    /** Advances virtual time a second at a time, letting each delivery (real HTTP) finish before time moves on. */
    const step = async (ms: number) => {
      await clock.advance(0);
      await alerter.idle();
      for (let t = 0; t < ms; t += 1000) {
        await clock.advance(Math.min(1000, ms - t));
        await alerter.idle();
      }
    };
    alerter.raise(water(1));
    await step(60_000);
    alerter.raise(water(2));
    alerter.raise({ ...water(3), kind: 'fault.over-temperature', title: 'too hot' }); // another kind: not held back
    alerter.raise(water(4, 'python')); // another enclosure: not held back
    await step(60_000);
    alerter.raise(water(5));
    alerter.raise(water(6));
    await step(60_000);
    const sent = () => rx.bodies().filter((b) => b.kind !== 'controller.started');
    expect(sent().map((b) => [b.title, b.folded])).toEqual([
      ['water low 1', 0],
      ['too hot', 0],
      ['water low 4', 0],
    ]);
    // the window (600 s from the first) ends: the latest repeat goes out, standing for the other two
    await step(420_000);
    expect(sent().map((b) => [b.title, b.folded])).toEqual([
      ['water low 1', 0],
      ['too hot', 0],
      ['water low 4', 0],
      ['water low 6', 2],
    ]);
    // that opened a new window; a repeat in it waits for its end, then nothing more comes
    alerter.raise(water(7));
    await step(599_000);
    expect(sent()).toHaveLength(4);
    await step(1000);
    expect(sent().at(-1)).toMatchObject({ title: 'water low 7', folded: 0 });
    await step(3_600_000);
    expect(sent()).toHaveLength(5);
    await alerter.stop();
  });

  it('queues repeats still held back at stop, so their count is not lost', async () => {
    const rx = await new Receiver().up();
    receivers.push(rx);
    const cfg = simConfig({ webhook: { url: `${rx.url}/hook` }, minIntervalSeconds: 600 });
    const clock = new VirtualClock(START);
    const alerter = new Alerter({ config: cfg, clock, log: silentLogger(), random: new SeededRandom(1) });
    alerter.start();
    for (let n = 1; n <= 4; n++) alerter.raise(water(n));
    await clock.advance(0);
    await alerter.idle();
    await alerter.stop();
    expect(rx.bodies().filter((b) => b.kind === 'fault.water-low').map((b) => [b.title, b.folded])).toEqual([
      ['water low 1', 0],
      ['water low 4', 2],
    ]);
  });
});
