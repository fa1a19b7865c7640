import { afterEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/alerts/alerter.js';
import { silentLogger } from '../../src/app/logger.js';
import { SeededRandom } from '../../src/resilience/random.js';
import { VirtualClock } from '../../simulators/virtual-clock.js';
import { Receiver, runFor, simConfig } from './helpers.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.down();
});

/** Virtual ms between the attempts a failing receiver (HTTP 503) sees over `ms`. */
async function gaps(seed: number, ms: number): Promise<number[]> {
  const rx = await new Receiver().up();
  receivers.push(rx);
  rx.status = 503;
  const cfg = simConfig({ webhook: { url: `${rx.url}/hook` }, retry: { minSeconds: 10, maxSeconds: 60 } });
  const clock = new VirtualClock(Date.parse('2026-06-01T22:00:00Z'));
  const alerter = new Alerter({ config: cfg, clock, log: silentLogger(), random: new SeededRandom(seed) });
  alerter.start();
  const at: number[] = [];
  for (let t = 0; t < ms; t += 1000) {
    const before = rx.got.length;
    await runFor(clock, alerter, 1000);
    for (let i = before; i < rx.got.length; i++) at.push(clock.monotonic());
  }
  await alerter.stop();
  return at.slice(1).map((t, i) => t - at[i]);
}

describe('retries of an unreachable channel', () => {
  it('back off exponentially from retry.minSeconds to retry.maxSeconds, jittered by the injected random source', async () => {
    const a = await gaps(1, 900_000);
    // equal jitter: each delay is between half and all of min(60 s, 10 s * 2^(n-1)); ±1 s for the 1 s steps
    const ceilings = a.map((_, i) => Math.min(60_000, 10_000 * 2 ** i));
    a.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(ceilings[i] / 2 - 1000);
      expect(g).toBeLessThanOrEqual(ceilings[i] + 1000);
    });
    expect(a.length).toBeGreaterThan(12); // still retrying after 15 min, at most a minute apart
    const b = await gaps(2, 900_000);
    expect(b.slice(0, 6)).not.toEqual(a.slice(0, 6)); // another seed, other delays
  }, 60_000);
});
