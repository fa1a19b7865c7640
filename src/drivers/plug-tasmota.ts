import type { SwitchDriver } from './types.js';
import { parseOnOff, type PlugOptions, PlugTracker } from './plug-common.js';

/** Options of {@link TasmotaPlug}. */
export interface TasmotaPlugOptions extends PlugOptions {
  /** The device's MQTT topic (Tasmota `Topic`), e.g. `tasmota_5A1B2C`. */
  topic: string;
  /** Relay number 1..8 (`POWER1`..`POWER8`). */
  relay: number;
}

/**
 * Tasmota PulseTime value for a dead-man of `seconds` (Tasmota Commands, PulseTime: 1..111 are
 * tenths of a second, 112..64900 are `value - 100` seconds): 12..64800 s. Throws `RangeError` outside.
 */
export function pulseTimeValue(seconds: number): number {
  if (!(Number.isInteger(seconds) && seconds >= 12 && seconds <= 64_800)) throw new RangeError(`Tasmota PulseTime supports 12..64800 s, not ${seconds}`);
  return seconds + 100;
}

/**
 * A relay of a Tasmota device over MQTT (Tasmota docs: MQTT, Commands): commands on
 * `cmnd/<topic>/POWER<n>` (`ON`/`OFF`; an empty payload asks for the state), confirmation from the
 * plug's own report on `stat/<topic>/RESULT` (`{"POWER1":"ON"}`, `{"POWER":"ON"}` on one-relay
 * devices) or `stat/<topic>/POWER<n>`, and `tele/<topic>/STATE`; availability from the retained last
 * will `tele/<topic>/LWT` (`Online`/`Offline`).
 *
 * Dead-man: `init()` sets `PulseTime<n>` to the dead-man time; Tasmota then switches the relay off
 * that long after an ON, and every POWER command restarts the countdown, so the driver repeats `ON`
 * every third of the dead-man time while on. If the controller, the Pi or the network dies, the plug
 * turns the heater off by itself.
 */
export class TasmotaPlug implements SwitchDriver {
  readonly description: string;
  private readonly track: PlugTracker;

  constructor(private readonly o: TasmotaPlugOptions) {
    this.description = `Tasmota ${o.topic} POWER${o.relay}`;
    this.track = new PlugTracker(o, this.description);
  }

  private get powerKey(): string {
    return `POWER${this.o.relay}`;
  }

  async init(): Promise<void> {
    await this.close();
    const t = this.o.topic;
    let pulseConfirmed = false;
    this.track.hold([
      await this.o.link.subscribe(`stat/${t}/+`, (topic, payload) => {
        const leaf = topic.slice(topic.lastIndexOf('/') + 1);
        const text = payload.toString('utf8');
        if (leaf === 'RESULT') {
          const json = parseJson(text);
          if (json && `PulseTime${this.o.relay}` in json) {
            pulseConfirmed = true;
            this.track.poke();
          }
          this.fromJson(json);
        } else if (leaf === this.powerKey || (this.o.relay === 1 && leaf === 'POWER')) {
          const on = parseOnOff(text);
          if (on !== undefined) this.track.report(on);
        }
      }),
      await this.o.link.subscribe(`tele/${t}/+`, (topic, payload) => {
        const leaf = topic.slice(topic.lastIndexOf('/') + 1);
        if (leaf === 'LWT') this.track.setOnline(payload.toString('utf8').trim().toLowerCase() === 'online');
        else if (leaf === 'STATE') this.fromJson(parseJson(payload.toString('utf8')));
      }),
    ]);
    this.track.assertReachable();
    if (this.o.deadManSeconds > 0) {
      await this.o.link.publish(`cmnd/${t}/PulseTime${this.o.relay}`, String(pulseTimeValue(this.o.deadManSeconds)));
      await this.track.waitFor(() => pulseConfirmed, `PulseTime${this.o.relay}`);
    }
    this.track.state = undefined;
    await this.o.link.publish(`cmnd/${t}/${this.powerKey}`, '');
    await this.track.waitFor(() => this.track.state !== undefined, 'its state');
  }

  async set(on: boolean): Promise<void> {
    this.track.assertReachable();
    await this.o.link.publish(`cmnd/${this.o.topic}/${this.powerKey}`, on ? 'ON' : 'OFF');
    await this.track.waitFor(() => this.track.state === on, on ? 'ON' : 'OFF');
    this.track.keepAlive(on, () => this.o.link.publish(`cmnd/${this.o.topic}/${this.powerKey}`, 'ON'));
  }

  /** The plug's reported state; `true` while it has not reported or is offline (assumed on). */
  async readBack(): Promise<boolean | undefined> {
    return this.track.believedOn();
  }

  /** Stops renewing the dead-man, asks the plug for OFF (best effort) and unsubscribes. */
  async close(): Promise<void> {
    await this.track.release(() => this.o.link.publish(`cmnd/${this.o.topic}/${this.powerKey}`, 'OFF'));
  }

  private fromJson(json: Record<string, unknown> | undefined): void {
    if (!json) return;
    const v = json[this.powerKey] ?? (this.o.relay === 1 ? json.POWER : undefined);
    const on = parseOnOff(v);
    if (on !== undefined) this.track.report(on);
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
