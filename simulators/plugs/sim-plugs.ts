import type { ShellyOutputConfig, TasmotaOutputConfig } from '../../src/config/output-schema.js';
import type { Clock } from '../../src/hal/clock.js';
import type { MqttLink } from '../../src/hal/mqtt-link.js';
import { SimMqttBroker, type SimMqttLink } from '../mqtt-sim.js';
import { ShellyPeer } from './shelly-peer.js';
import { TasmotaPeer } from './tasmota-peer.js';

/** A simulated plug as the physics sees it: whether its relay powers the load. */
export interface SimPlugLoad {
  readonly isOn: boolean;
  /** The Tasmota or Shelly peer behind it (fault injection, tests). */
  readonly peer: TasmotaPeer | ShellyPeer;
}

/**
 * The smart plugs of a simulated world: one in-process MQTT broker, one simulated Tasmota or Shelly
 * per configured plug output (started at once, online through their retained last will topics),
 * and the controller process's link, which {@link killController} drops without a goodbye, as a
 * crash or power cut would: the plugs' dead-man timers then run out on their own.
 */
export class SimPlugs {
  readonly broker = new SimMqttBroker();
  private readonly peers = new Map<string, SimPlugLoad>();
  private link: SimMqttLink | undefined;

  constructor(private readonly clock: Clock) {}

  /** The peer for a plug output (one per Tasmota topic / Shelly prefix), created and started on first use. */
  add(o: TasmotaOutputConfig | ShellyOutputConfig): SimPlugLoad {
    const key = o.type === 'tasmota' ? `tasmota:${o.topic}` : `shelly:${o.prefix}`;
    const known = this.peers.get(key);
    if (known) return known;
    let load: SimPlugLoad;
    if (o.type === 'tasmota') {
      const peer = new TasmotaPeer(this.broker.link({ topic: `tele/${o.topic}/LWT`, payload: 'Offline', retain: true }), this.clock, o.topic);
      load = {
        peer,
        get isOn() {
          return peer.on;
        },
      };
      void peer.start();
    } else {
      const peer = new ShellyPeer(this.broker.link({ topic: `${o.prefix}/online`, payload: 'false', retain: true }), this.clock, o.prefix);
      load = {
        peer,
        get isOn() {
          return peer.output;
        },
      };
      void peer.start();
    }
    this.peers.set(key, load);
    return load;
  }

  /** The link of the current controller process (a new one after {@link killController}). */
  controllerLink(): MqttLink {
    this.link ??= this.broker.link();
    return this.link;
  }

  /** The controller process died: its link drops; a restarted process gets a new one. */
  killController(): void {
    this.link?.kill();
    this.link = undefined;
  }
}
