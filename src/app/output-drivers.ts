import type { PwmOutputConfig } from '../config/enclosure-schema.js';
import type { Mcp23017OutputConfig, Pcf857xOutputConfig, ShellyOutputConfig, TasmotaOutputConfig } from '../config/output-schema.js';
import type { GpioOutputConfig } from '../config/enclosure-schema.js';
import { Mcp23017 } from '../drivers/mcp23017.js';
import { Pcf857x } from '../drivers/pcf857x.js';
import { PlugError } from '../drivers/plug-common.js';
import { ShellyPlug } from '../drivers/plug-shelly.js';
import { TasmotaPlug } from '../drivers/plug-tasmota.js';
import { PwmDimmer } from '../drivers/pwm-output.js';
import { RelayOutput } from '../drivers/relay.js';
import type { DimmerDriver, SwitchDriver } from '../drivers/types.js';
import type { GpioProvider } from '../hal/gpio.js';
import type { Hardware } from '../hal/index.js';
import type { Pca9685Pool } from './build-devices.js';

/** Every output wiring the config can give an on/off or dimmable actuator. */
export type OutputConfig = GpioOutputConfig | PwmOutputConfig | Mcp23017OutputConfig | Pcf857xOutputConfig | TasmotaOutputConfig | ShellyOutputConfig;

/**
 * Shares one initialised I2C expander per bus and address between the relays on its lines (one
 * chip often serves several enclosures of a rack). A failed init is retried on the next request.
 */
export class ExpanderPool {
  private readonly chips = new Map<string, Promise<GpioProvider>>();

  constructor(private readonly hw: Hardware) {}

  /** The MCP23017 at `bus`/`address`, initialised. Rejects with the bus's `I2cError` or `DeviceIdentityError`. */
  mcp23017(bus: number, address: number): Promise<GpioProvider> {
    return this.get(`mcp23017:${bus}:${address}`, async () => {
      const chip = new Mcp23017(await this.hw.i2c.open(bus), address);
      await chip.init();
      return chip;
    });
  }

  /** The PCF8574/PCF8575 at `bus`/`address`, initialised. */
  pcf857x(model: 'pcf8574' | 'pcf8575', bus: number, address: number): Promise<GpioProvider> {
    return this.get(`${model}:${bus}:${address}`, async () => {
      const chip = new Pcf857x(await this.hw.i2c.open(bus), address, model);
      await chip.init();
      return chip;
    });
  }

  private get(key: string, make: () => Promise<GpioProvider>): Promise<GpioProvider> {
    let p = this.chips.get(key);
    if (!p) {
      p = make();
      p.catch(() => this.chips.delete(key));
      this.chips.set(key, p);
    }
    return p;
  }
}

/**
 * The driver factory for one actuator output, one line per output type: a relay on a GPIO line or
 * on an expander line (the relay driver does the active-low inversion for both), a PCA9685 dimmer
 * channel, or a Tasmota / Shelly smart plug over the hardware's MQTT link (`rpcClientId`: where a
 * Shelly sends its RPC replies, unique per output). The factory is called at start and at every
 * restart of the component.
 * @throws PlugError (`unreachable`) from the returned factory when a plug has no MQTT link
 */
export function outputDriverFactory(
  out: OutputConfig,
  startupState: 'off' | 'on',
  hw: Hardware,
  boards: Pca9685Pool,
  expanders: ExpanderPool,
  rpcClientId: string,
): () => Promise<SwitchDriver | DimmerDriver> {
  switch (out.type) {
    case 'gpio':
      return async () => new RelayOutput(hw.gpio, { pin: out.pin, activeLow: out.activeLow, startupState });
    case 'pca9685':
      return async () => new PwmDimmer(await boards.get(out.bus, out.address), out.channel, { startupState });
    case 'mcp23017':
      return async () => new RelayOutput(await expanders.mcp23017(out.bus, out.address), { pin: out.line, activeLow: out.activeLow, startupState });
    case 'pcf8574':
    case 'pcf8575':
      return async () => new RelayOutput(await expanders.pcf857x(out.type, out.bus, out.address), { pin: out.line, activeLow: out.activeLow, startupState });
    case 'tasmota':
      return async () => new TasmotaPlug({ link: linkOf(hw), clock: hw.clock, topic: out.topic, relay: out.relay, deadManSeconds: out.deadManSeconds });
    case 'shelly':
      return async () => new ShellyPlug({ link: linkOf(hw), clock: hw.clock, prefix: out.prefix, switchId: out.switchId, deadManSeconds: out.deadManSeconds, clientId: rpcClientId });
  }
}

function linkOf(hw: Hardware): NonNullable<Hardware['mqtt']> {
  if (!hw.mqtt) throw new PlugError('unreachable', 'no MQTT broker link for smart plugs (configure the "mqtt" section)');
  return hw.mqtt;
}

/** Whether this output switches its load off by itself when the controller dies, and how. */
export function deadManOf(out: OutputConfig): { has: boolean; how: string } {
  switch (out.type) {
    case 'tasmota':
      return out.deadManSeconds > 0 ? { has: true, how: `Tasmota PulseTime ${out.deadManSeconds} s, renewed while on` } : { has: false, how: 'Tasmota plug with deadManSeconds 0' };
    case 'shelly':
      return out.deadManSeconds > 0 ? { has: true, how: `Shelly toggle_after ${out.deadManSeconds} s, renewed while on` } : { has: false, how: 'Shelly plug with deadManSeconds 0' };
    case 'gpio':
      return { has: false, how: 'GPIO relay: keeps its level if the controller dies (systemd ExecStopPost drives it off on a clean or crashed stop)' };
    case 'mcp23017':
      return { has: false, how: 'MCP23017 has no watchdog: keeps its latch if the controller dies (ExecStopPost drives it off)' };
    case 'pcf8574':
    case 'pcf8575':
      return { has: false, how: `${out.type.toUpperCase()} has no watchdog: keeps its port if the controller dies (ExecStopPost drives it off)` };
    case 'pca9685':
      return { has: false, how: 'PCA9685 keeps its PWM if the controller dies (ExecStopPost drives it off)' };
  }
}
