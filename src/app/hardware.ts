import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import type { Hardware } from '../hal/index.js';
import { createPiHardware } from '../hal/pi-hardware.js';
import { SimWorld } from '../../simulators/sim-world.js';

/** The hardware a controller runs on, plus the simulated world behind it when simulated. */
export interface BuiltHardware {
  hardware: Hardware;
  world: SimWorld | undefined;
}

/**
 * Chooses the backend ONCE, here, from `config.hardware.backend`: the
 * real Pi backends or the simulated terrarium. Nothing else in the program knows which it got.
 * `forceSim` is the explicit `--simulate` flag; there is no automatic fallback to simulation.
 */
export function createHardware(config: Config, clock: Clock, opts: { forceSim?: boolean; seed?: number } = {}): BuiltHardware {
  if (config.hardware.backend === 'sim' || opts.forceSim) {
    const world = new SimWorld(config, clock, opts.seed);
    return { hardware: world.hardware(), world };
  }
  return { hardware: createPiHardware(config.hardware, clock), world: undefined };
}
