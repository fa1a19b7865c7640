// Child of the tick-lateness figure (`node test/bench/child-lateness.mjs <config> <window start s> <window end s>`):
// the real Controller on the simulated hardware in REAL time (SystemClock), as `terrarium run
// --simulate` runs it, with every control-tick completion timed (performance.now()).
//
// Lateness of a tick = the time its decisions were applied (the tick ended) minus the time it was
// due, from the tick loop's own timing hook (`onTickTiming`: dueAt, endedAt on the monotonic clock).
// Without that hook (older builds) it is estimated from completion times: the tick loop keeps a fixed
// grid (due times start + k * period; a tick that overran skips to the next grid point after it
// completed), so the due time of tick i+1 is the first grid point after tick i completed. The grid's
// origin is not observable from outside the loop: it is placed so that the most punctual tick of
// the window has lateness 0, i.e. lateness is measured relative to the best tick (a lower bound by
// that tick's own duration). Ticks completed in [window start, window end] count.
// Before starting, one DS18B20 read is timed on the same simulated hardware to report whether the
// simulator models device timing (a real 12-bit conversion takes ~750 ms). Prints the figures as JSON.
import { performance } from 'node:perf_hooks';
import { cpuMs, floorModules, loadConfigFile, result, startRealTimeRig } from './dist-rig.mjs';

const [file, fromArg, toArg, stallFromArg, stallToArg] = process.argv.slice(2);
const fromMs = Number(fromArg) * 1000;
const toMs = Number(toArg) * 1000;
// Optional: the first enclosure's I2C bus hangs (SDA held low) over [stallFrom, stallTo] s. The
// lateness figure then covers [from, stallFrom) and the stall is reported on its own.
const stallFromMs = stallFromArg === undefined ? undefined : Number(stallFromArg) * 1000;
const stallToMs = stallToArg === undefined ? undefined : Number(stallToArg) * 1000;
const mainToMs = stallFromMs ?? toMs;
const config = await loadConfigFile(file);
const period = config.controller.tickMs;

async function ds18b20ReadMs() {
  const { Ds18b20, SimWorld } = await floorModules();
  const { SystemClock } = await import('../../dist/src/hal/system-clock.js');
  const world = new SimWorld(config, new SystemClock());
  const id = config.enclosures[0].sensors.find((s) => s.type === 'ds18b20').deviceId;
  const ds = new Ds18b20(world.hardware().oneWire, id);
  await ds.init();
  const t0 = performance.now();
  await ds.read();
  return performance.now() - t0;
}
const probeReadMs = await ds18b20ReadMs();

const completions = [];
const timings = [];
const t0 = performance.now();
let c0 = 0;
let c1 = 0;
const stalledEnc = config.enclosures[0];
const stalledBme = stalledEnc.sensors.find((s) => s.type === 'bme280');
const stalledView = [];
const rig = await startRealTimeRig(
  config,
  (outcomes) => {
    const now = performance.now() - t0;
    completions.push(now);
    if (stallFromMs === undefined || now < stallFromMs - 5000) return;
    const snap = outcomes.find((o) => o.snapshot.enclosureId === stalledEnc.id)?.snapshot;
    if (snap) stalledView.push({ at: now, humidityQuality: snap.humidity?.quality ?? 'missing', heaterReason: Object.values(snap.actuators).find((a) => a.kind === 'heater')?.reason ?? '' });
  },
  (t) => timings.push({ at: performance.now() - t0, late: t.endedAt - t.dueAt, startLate: t.startedAt - t.dueAt }),
);
const until = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - (performance.now() - t0))));
await until(fromMs);
c0 = cpuMs();
let stall = null;
if (stallFromMs !== undefined) {
  await until(stallFromMs);
  const bus = rig.world.buses.get(stalledBme.bus);
  if (typeof bus?.setStalled === 'function') {
    bus.setStalled(true);
    stall = { startedAt: performance.now() - t0 };
    await until(stallToMs);
    bus.setStalled(false);
    stall.endedAt = performance.now() - t0;
  }
}
await until(toMs);
c1 = cpuMs();
await rig.stop();

/** Lateness of completions[1..] for grid origin `origin`, ms. */
function latenesses(origin) {
  const out = [];
  for (let i = 1; i < completions.length; i++) {
    const due = origin + period * (Math.floor((completions[i - 1] - origin) / period) + 1);
    out.push({ at: completions[i], late: completions[i] - due });
  }
  return out;
}
const exact = timings.length > 0;
let origin = completions[0] ?? 0;
if (!exact) for (let k = 0; k < 5; k++) origin += Math.min(...latenesses(origin).filter((l) => l.at >= fromMs && l.at <= toMs).map((l) => l.late));
const all = exact ? timings : latenesses(origin);
const late = all.filter((l) => l.at >= fromMs && l.at < mainToMs).map((l) => l.late).sort((a, b) => a - b);
const intervals = [];
for (let i = 1; i < completions.length; i++) if (completions[i] >= fromMs && completions[i] < mainToMs) intervals.push(completions[i] - completions[i - 1]);
const q = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)] : Number.NaN);
// Per-minute p99 (min and median across minutes).
const perMinuteP99 = [];
for (let m = fromMs; m + 60_000 <= mainToMs + 1; m += 60_000) {
  const xs = all.filter((l) => l.at >= m && l.at < m + 60_000).map((l) => l.late).sort((a, b) => a - b);
  if (xs.length) perMinuteP99.push(q(xs, 0.99));
}
const startLate = exact ? timings.filter((l) => l.at >= fromMs && l.at < mainToMs).map((l) => l.startLate).sort((a, b) => a - b) : [];
let stallResult = null;
if (stallFromMs !== undefined) {
  if (!stall) stallResult = { supported: false };
  else {
    const during = all.filter((l) => l.at >= stall.startedAt && l.at <= stall.endedAt).map((l) => l.late).sort((a, b) => a - b);
    const afterStart = stalledView.filter((v) => v.at >= stall.startedAt && v.at <= stall.endedAt);
    const staleTick = afterStart.find((v) => v.humidityQuality !== 'ok');
    stallResult = {
      supported: true,
      bus: stalledBme.bus,
      seconds: (stall.endedAt - stall.startedAt) / 1000,
      ticks: during.length,
      p99Ms: q(during, 0.99),
      maxMs: during[during.length - 1],
      staleAfterSeconds: stalledBme.staleAfterSeconds,
      // Seconds from the stall to the first tick that no longer sees the BME280's humidity as ok.
      secondsToStale: staleTick ? (staleTick.at - stall.startedAt) / 1000 : null,
      heaterReasonAtStale: staleTick?.heaterReason ?? null,
      heaterReasonAtEnd: afterStart[afterStart.length - 1]?.heaterReason ?? null,
      fallbackTicks: afterStart.filter((v) => /fallback/i.test(v.heaterReason)).length,
    };
  }
}
result({
  exact,
  startP99Ms: exact ? q(startLate, 0.99) : null,
  ticks: late.length,
  periodMs: period,
  p50Ms: q(late, 0.5),
  p99Ms: q(late, 0.99),
  maxMs: late[late.length - 1],
  perMinuteP99Ms: perMinuteP99,
  overruns: intervals.filter((d) => d > 1.5 * period).length,
  maxIntervalMs: Math.max(...intervals),
  cpuMsPerSecond: (c1 - c0) / ((toMs - fromMs) / 1000),
  stall: stallResult,
  ds18b20ReadMs: probeReadMs,
  enclosures: config.enclosures.length,
  sensors: config.enclosures.reduce((n, e) => n + e.sensors.length, 0),
});
