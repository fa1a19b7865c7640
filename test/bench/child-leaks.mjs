// Child of the heap-growth figure (`node --expose-gc test/bench/child-leaks.mjs <config> <days>`):
// the full controller with telemetry to the SQLite outbox (broker offline) on the simulated
// enclosure for `days` simulated days, in virtual time. After each simulated day the heap is
// collected (twice, so finalisers run) and `heapUsed` read. Prints `{ perDayBytes, ticks, outboxRows }`.
import { loadConfigFile, result, startVirtualRig } from './dist-rig.mjs';

const [file, daysArg] = process.argv.slice(2);
const days = Number(daysArg);
const gc = globalThis.gc;
if (!gc) throw new Error('run with --expose-gc');
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const rig = await startVirtualRig(await loadConfigFile(file), { telemetry: 'offline' });
const perDayBytes = [];
for (let d = 1; d <= days; d++) {
  await rig.run(86_400_000);
  perDayBytes.push(heapAfterGc());
}
const ticks = rig.ticks();
const outboxRows = rig.outboxRows();
await rig.stop();
result({ perDayBytes, ticks, outboxRows });
