// Child of the http-cost figure (`node [--jitless] test/bench/child-http-tick.mjs <calls>`): what
// the `http` section adds to each control tick and each sensor sample, measured directly on the
// shipped ControllerMetrics (dist/): `observeTick` with the snapshots of config/simulated.json's
// enclosure (5 outputs) and `observeSample`, `calls` times each. Prints `{ perTickUs, perSampleUs }`
// (CPU microseconds per call, process.cpuUsage()).
import { join } from 'node:path';
import { REPO, result } from './dist-rig.mjs';

const { ControllerMetrics } = await import(join(REPO, 'dist', 'src', 'http', 'metrics.js'));
const calls = Number(process.argv[2] ?? 20_000);
const out = (on) => ({ heater: { kind: 'heater', on, reason: '' }, lights: { kind: 'light', on: false, reason: '' }, mister: { kind: 'mister', on: false, reason: '' }, fan: { kind: 'fan', on: false, reason: '' }, feeder: { kind: 'feeder', on: false, reason: '' } });
const snapshots = [[{ enclosureId: 'gecko', actuators: out(true) }], [{ enclosureId: 'gecko', actuators: out(false) }]];
let current = snapshots[0];
const metrics = new ControllerMetrics({ snapshots: () => [], health: () => [], telemetry: () => undefined, uptimeSeconds: () => 0 }, { build: { version: 'bench', node: process.version }, mqtt: false }, () => current);
const cpu = (fn) => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn(i);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
};
const perTickUs = cpu((i) => {
  current = snapshots[(i >> 4) & 1];
  const t = i * 1000;
  metrics.observeTick({ dueAt: t, startedAt: t + 1, endedAt: t + 2 });
});
const perSampleUs = cpu((i) => metrics.observeSample('gecko', i & 1 ? 'air' : 'probe', 3, true));
result({ perTickUs, perSampleUs, calls });
