import { simulatedRaw, toConfig, withMqtt } from './configs.js';
import { startRig } from './sim-rig.js';

/**
 * Child entry of the leak figure (run with `--expose-gc`): the full controller with telemetry to the
 * outbox (broker offline) on the simulated gecko enclosure for `days` simulated days; after day 1
 * and after the last day the heap is collected (twice, so finalisers run) and `heapUsed` read.
 * Prints `{ day1Bytes, lastBytes, days, ticks }`.
 */
const days = Number(process.argv[2] ?? 7);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapAfterGc(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

const rig = await startRig(toConfig(withMqtt(simulatedRaw())), { telemetry: 'offline' });
await rig.run(86_400_000);
const day1Bytes = heapAfterGc();
const perDay: number[] = [day1Bytes];
for (let d = 2; d <= days; d++) {
  await rig.run(86_400_000);
  perDay.push(heapAfterGc());
}
const ticks = rig.ticks();
const outboxRows = rig.outbox?.pending() ?? 0;
await rig.stop();
process.stdout.write(`${JSON.stringify({ day1Bytes, lastBytes: perDay[perDay.length - 1], perDay, days, ticks, outboxRows })}\n`);
