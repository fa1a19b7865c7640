import { TerrariumError } from '../src/errors.js';

/** A scenario names something the configuration does not have, or a fault that does not fit it. */
export class ScenarioTargetError extends TerrariumError {
  constructor(message: string) {
    super('SCENARIO_TARGET', message);
  }
}
