import type { Clock } from './clock.js';
import type { GpioProvider } from './gpio.js';
import type { I2cProvider } from './i2c.js';
import type { MqttLink } from './mqtt-link.js';
import type { OneWire } from './onewire.js';

export type { Clock, TimerHandle } from './clock.js';
export type { I2cBus, I2cProvider } from './i2c.js';
export type { DigitalInput, DigitalOutput, GpioProvider } from './gpio.js';
export type { OneWire } from './onewire.js';
export type { MqttLink } from './mqtt-link.js';

/**
 * Everything hardware-facing the controller needs, built once at the composition root
 * (`app/`) from `config.hardware.backend`: the real Pi backends or `simulators/`.
 */
export interface Hardware {
  readonly kind: 'pi' | 'sim';
  readonly clock: Clock;
  readonly i2c: I2cProvider;
  readonly gpio: GpioProvider;
  readonly oneWire: OneWire;
  /** The MQTT broker link for network outputs (smart plugs); absent when none is configured. */
  readonly mqtt?: MqttLink;
}
