import { TerrariumError } from '../errors.js';
import type { Categorised, ErrorClass } from '../resilience/classify.js';
import type { Quantity } from '../drivers/types.js';

/**
 * A sensor delivered a value outside its plausibility range (or not a finite number). Data error:
 * not retried in-call; the reading is kept with quality `implausible`, never `ok`.
 */
export class ImplausibleValueError extends TerrariumError implements Categorised {
  readonly category: ErrorClass = 'data';

  constructor(
    readonly sensorId: string,
    readonly quantity: Quantity,
    /** The offending value in the quantity's unit (°C, %RH, Pa). */
    readonly value: number,
    /** Plausible range, same unit. */
    readonly range: { min: number; max: number },
  ) {
    super('SENSOR_IMPLAUSIBLE', `${sensorId} ${quantity} ${value} outside plausible range ${range.min}..${range.max}`);
  }
}

/** A sensor's raw value has not changed for longer than its stuck limit. Data error. */
export class StuckValueError extends TerrariumError implements Categorised {
  readonly category: ErrorClass = 'data';

  constructor(
    readonly sensorId: string,
    readonly quantity: Quantity,
    readonly value: number,
    /** How long the raw value has been unchanged, ms. */
    readonly forMs: number,
  ) {
    super('SENSOR_STUCK', `${sensorId} ${quantity} stuck at ${value} for ${Math.round(forMs / 1000)} s`);
  }
}

/**
 * An output read back a different level than was written: the line is driven by something else,
 * the relay board is not powered, or the backend lies. Permanent: the actuator goes `failed` and
 * the supervisor acts; it is not retried in-call.
 */
export class ReadBackMismatchError extends TerrariumError implements Categorised {
  readonly category: ErrorClass = 'permanent';

  constructor(
    readonly actuatorId: string,
    /** Logical state written (`true` = load powered). */
    readonly expected: boolean,
    /** Logical state read back. */
    readonly actual: boolean,
  ) {
    super('ACTUATOR_READBACK_MISMATCH', `${actuatorId}: wrote ${expected ? 'on' : 'off'}, read back ${actual ? 'on' : 'off'}`);
  }
}

/** A component has no initialised driver (start or restart failed, or it was stopped). Permanent. */
export class ComponentNotReadyError extends TerrariumError implements Categorised {
  readonly category: ErrorClass = 'permanent';

  constructor(
    readonly componentId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('COMPONENT_NOT_READY', `${componentId}: ${message}`, options);
  }
}

/** Two components registered the same (enclosure, id) pair in the health registry. */
export class DuplicateComponentError extends TerrariumError {
  constructor(
    readonly enclosureId: string | null,
    readonly componentId: string,
  ) {
    super('HEALTH_DUPLICATE_COMPONENT', `component ${enclosureId ?? '(controller)'}/${componentId} is already registered`);
  }
}
