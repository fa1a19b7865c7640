import { simulatedRaw, toConfig } from './configs.js';
import { startRig } from './sim-rig.js';

/** One tick as the fault-to-safe figure sees it. */
interface TickView {
  /** Wall ms of the tick. */
  at: number;
  /** The heater relay as wired: true when the load is powered (GPIO level, active-low handled). */
  heaterPowered: boolean;
  heaterReason: string;
  /** Quality of the BME280's temperature reading at this tick. */
  airQuality: string;
}

export interface FaultToSafe {
  /** Ticks from the first tick at or after the stale timeout to the tick whose outputs follow the fallback (0 = that same tick). */
  ticks: number;
  /** Wall ms of the last good BME280 sample, of the stale timeout and of the tick that acted. */
  lastGoodAt: number;
  staleAt: number;
  actedAt: number;
  staleAfterMs: number;
  /** The heater's reason at the tick that acted. */
  reason: string;
}

/**
 * BME280 disconnected mid-heat. The simulated gecko enclosure with the heater controlled by the
 * BME280 alone (`sensors: ["air"]`, so losing it leaves no trustworthy temperature and the
 * profile's fallback duty must take over: off first). Runs until the heater relay is
 * powered, then the BME280's address NACKs (`disconnect`, as when unplugged). The reading stays
 * `ok` until it is older than `staleAfterSeconds`; from the first tick after that instant it
 * counts the ticks until the relay, read at the simulated GPIO line, follows the fallback (off,
 * with a `fallback duty` reason).
 */
export async function measureFaultToSafe(): Promise<FaultToSafe> {
  const raw = simulatedRaw();
  const enc = raw.enclosures[0];
  const heaterCfg = enc.actuators.find((a: { id: string }) => a.id === 'heater');
  heaterCfg.sensors = ['air'];
  const config = toConfig(raw);
  const heater = config.enclosures[0].actuators.find((a) => a.id === 'heater');
  const air = config.enclosures[0].sensors.find((s) => s.id === 'air');
  if (heater?.kind !== 'heater' || heater.output.type !== 'gpio' || air?.type !== 'bme280') throw new Error('unexpected simulated config');
  const { pin, activeLow } = heater.output;
  const views: TickView[] = [];
  const rig = await startRig(config, {
    telemetry: 'none',
    onTick: (outcomes, r) => {
      const s = outcomes[0].snapshot;
      const level = r.world.gpio.level(pin);
      views.push({
        at: s.at,
        heaterPowered: level !== undefined && level !== activeLow,
        heaterReason: s.actuators.heater.reason,
        airQuality: r.controller.runtime(s.enclosureId)?.devices.sensors.find((x) => x.id === 'air')?.readings().temperature?.quality ?? 'missing',
      });
    },
  });
  try {
    // Warm up, then wait for the heater to be powered (mid-heat), at most a simulated day.
    await rig.run(600_000);
    for (let i = 0; i < 86_400 && !views[views.length - 1]?.heaterPowered; i++) await rig.run(1000);
    if (!views[views.length - 1]?.heaterPowered) throw new Error('the heater never came on');
    const sensor = rig.controller.runtime(config.enclosures[0].id)?.devices.sensors.find((x) => x.id === 'air');
    const lastGoodAt = sensor?.readings().temperature?.at;
    if (typeof lastGoodAt !== 'number') throw new Error('no BME280 sample before the fault');
    rig.world.buses.get(air.bus)?.setFault(air.address, { kind: 'disconnect' });
    const from = views.length;
    const staleAfterMs = air.staleAfterSeconds * 1000;
    await rig.run(staleAfterMs + 120_000);
    const after = views.slice(from);
    // Stale strictly after staleAfterMs (QuantityTrack): the first tick that can see it stale.
    const staleAt = lastGoodAt + staleAfterMs;
    const k = after.findIndex((v) => v.at > staleAt);
    const m = after.findIndex((v) => !v.heaterPowered && /fallback duty/.test(v.heaterReason));
    if (k < 0 || m < 0) throw new Error(`no stale tick (${k}) or no fallback (${m}) within ${staleAfterMs / 1000 + 120} s`);
    if (after[k].airQuality !== 'stale') throw new Error(`reading at the first tick past the timeout is ${after[k].airQuality}, expected stale`);
    return { ticks: m - k, lastGoodAt, staleAt, actedAt: after[m].at, staleAfterMs, reason: after[m].heaterReason };
  } finally {
    await rig.stop();
  }
}
