import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import type { Hardware } from '../hal/index.js';
import type { SimWorld } from '../../simulators/sim-world.js';

/** The hardware a controller runs on, plus the simulated world behind it when simulated. */
export interface BuiltHardware {
  hardware: Hardware;
  world: SimWorld | undefined;
  /** Releases what the backend opened beyond the devices (the smart-plug MQTT link); call after the controller stopped. */
  close(): Promise<void>;
  /** Resolves `true` once every network link of the backend is up (at once when there is none), `false` after `ms`. */
  ready(ms: number): Promise<boolean>;
}

/**
 * Chooses the backend ONCE, here, from `config.hardware.backend`: the
 * real Pi backends or the simulated terrarium. Nothing else in the program knows which it got.
 * `forceSim` is the explicit `--simulate` flag; there is no automatic fallback to simulation.
 *
 * Only the chosen backend's modules are loaded (dynamic `import()`): a controller on a Pi never
 * loads the simulator (devices, physics), and a simulated one never loads the Pi drivers. On a Pi
 * with smart-plug outputs the hardware also carries their MQTT link (`openPlugLink`).
 */
export async function createHardware(config: Config, clock: Clock, opts: { forceSim?: boolean; seed?: number } = {}): Promise<BuiltHardware> {
  if (config.hardware.backend === 'sim' || opts.forceSim) {
    const { SimWorld } = await import('../../simulators/sim-world.js');
    const world = new SimWorld(config, clock, opts.seed);
    return { hardware: world.hardware(), world, close: async () => undefined, ready: async () => true };
  }
  const { createPiHardware } = await import('../hal/pi-hardware.js');
  const pi = createPiHardware(config.hardware, clock);
  const { openPlugLink, usesPlugs } = await import('./plug-link.js');
  if (!usesPlugs(config)) return { hardware: pi, world: undefined, close: async () => undefined, ready: async () => true };
  const plugs = openPlugLink(config, clock);
  return { hardware: { ...pi, mqtt: plugs.link }, world: undefined, close: () => plugs.close(), ready: (ms) => plugs.ready(ms) };
}
