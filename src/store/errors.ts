import { TerrariumError } from '../errors.js';

/** The state directory or a state file cannot be read or written. */
export class StateStoreError extends TerrariumError {
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('STATE_STORE', `${path}: ${message}`, options);
  }
}
