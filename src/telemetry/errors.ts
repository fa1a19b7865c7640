import { TerrariumError } from '../errors.js';

/**
 * A secret or TLS file named in `mqtt` cannot be read (missing file, unset variable, bad
 * permissions). The message names the file or variable, never its content.
 */
export class MqttCredentialsError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQTT_CREDENTIALS', message, options);
  }
}

/** The broker refused our credentials (CONNACK 4/5, MQTT 5 0x86/0x87). Retried only after a long backoff. */
export class MqttAuthError extends TerrariumError {
  constructor(
    readonly reasonCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('MQTT_AUTH', message, options);
  }
}

/** The MQTT connection failed or dropped (refused, reset, CONNACK timeout, keepalive timeout). */
export class MqttConnectionError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MQTT_CONNECTION', message, options);
  }
}
