import { TerrariumError } from '../../src/errors.js';

/** `setOutput`/`setHeaterFault`/`heaterIsHeating` named an actuator the enclosure does not have (or not a heater). */
export class UnknownSimActuatorError extends TerrariumError {
  constructor(
    readonly enclosureId: string,
    readonly actuatorId: string,
    expected: string,
    known: readonly string[],
  ) {
    super('SIM_UNKNOWN_ACTUATOR', `enclosure "${enclosureId}" has no ${expected} "${actuatorId}" (known: ${known.join(', ') || 'none'})`);
  }
}

/** The physics model was asked to go back in monotonic time. */
export class SimTimeReversedError extends TerrariumError {
  constructor(
    readonly fromMonoMs: number,
    readonly toMonoMs: number,
  ) {
    super('SIM_TIME_REVERSED', `physics cannot advance from monotonic ${fromMonoMs} ms back to ${toMonoMs} ms`);
  }
}

/** A configured IANA time zone is not known to this Node.js build. */
export class InvalidTimezoneError extends TerrariumError {
  constructor(
    readonly timezone: string,
    cause: unknown,
  ) {
    super('SIM_INVALID_TIMEZONE', `unknown time zone "${timezone}"`, { cause });
  }
}
