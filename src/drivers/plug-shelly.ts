import type { SwitchDriver } from './types.js';
import { PlugError, type PlugOptions, PlugTracker } from './plug-common.js';

/** Options of {@link ShellyPlug}. */
export interface ShellyPlugOptions extends PlugOptions {
  /** The device's MQTT topic prefix (Shelly Gen2+ `mqtt.topic_prefix`), e.g. `shellyplusplugs-a8032ab12345`. */
  prefix: string;
  /** The switch component id (`switch:<id>`), 0 on a one-relay plug. */
  switchId: number;
  /** Where the plug sends RPC replies: `<src>/rpc`; unique per controller, e.g. `terrarium-rack1`. */
  clientId: string;
}

interface RpcReply {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

/**
 * A switch of a Shelly Gen2+ device over MQTT RPC (Shelly Gen2 API docs: RPC over MQTT, Switch,
 * Notifications): requests `{id, src, method, params}` on `<prefix>/rpc`, replies on `<src>/rpc`;
 * `Switch.Set {id, on, toggle_after}` and `Switch.GetStatus {id}` (`output`); state changes also
 * arrive as `NotifyStatus` on `<prefix>/events/rpc`; availability on `<prefix>/online`
 * (`true`/`false`, the device's last will).
 *
 * Dead-man: every ON is sent with `toggle_after` = the dead-man time (the plug flips back off that
 * long after unless told again); the driver repeats the ON every third of that time while on.
 * Every command is confirmed by reading the switch's `output` back with `Switch.GetStatus`.
 */
export class ShellyPlug implements SwitchDriver {
  readonly description: string;
  private readonly track: PlugTracker;
  private nextId = 1;
  private readonly pending = new Map<number, (r: RpcReply) => void>();

  constructor(private readonly o: ShellyPlugOptions) {
    this.description = `Shelly ${o.prefix} switch:${o.switchId}`;
    this.track = new PlugTracker(o, this.description);
  }

  async init(): Promise<void> {
    await this.close();
    const p = this.o.prefix;
    const key = `switch:${this.o.switchId}`;
    this.track.hold([
      await this.o.link.subscribe(`${this.o.clientId}/rpc`, (_t, payload) => {
        const r = parse(payload.toString('utf8')) as RpcReply | undefined;
        if (r && typeof r.id === 'number') this.pending.get(r.id)?.(r);
      }),
      await this.o.link.subscribe(`${p}/online`, (_t, payload) => this.track.setOnline(payload.toString('utf8').trim() === 'true')),
      await this.o.link.subscribe(`${p}/events/rpc`, (_t, payload) => {
        const n = parse(payload.toString('utf8')) as { method?: unknown; params?: Record<string, { output?: unknown }> } | undefined;
        const out = n?.method === 'NotifyStatus' ? n.params?.[key]?.output : undefined;
        if (typeof out === 'boolean') this.track.report(out);
      }),
      await this.o.link.subscribe(`${p}/status/${key}`, (_t, payload) => {
        const s = parse(payload.toString('utf8')) as { output?: unknown } | undefined;
        if (typeof s?.output === 'boolean') this.track.report(s.output);
      }),
    ]);
    this.track.assertReachable();
    await this.refresh();
  }

  async set(on: boolean): Promise<void> {
    this.track.assertReachable();
    await this.switchSet(on);
    await this.refresh();
    if (this.track.state !== on) throw new PlugError('unconfirmed', `${this.description}: output reads ${this.track.state} after Switch.Set on=${on}`);
    this.track.keepAlive(on, () => this.switchSet(true));
  }

  /** The plug's reported output; `true` while it has not reported or is offline (assumed on). */
  async readBack(): Promise<boolean | undefined> {
    return this.track.believedOn();
  }

  /** Stops renewing the dead-man, asks the plug for off (best effort) and unsubscribes. */
  async close(): Promise<void> {
    try {
      await this.track.release(() => this.o.link.publish(`${this.o.prefix}/rpc`, JSON.stringify({ id: this.nextId++, src: this.o.clientId, method: 'Switch.Set', params: { id: this.o.switchId, on: false } })));
    } finally {
      this.pending.clear();
    }
  }

  private async switchSet(on: boolean): Promise<void> {
    const params: Record<string, unknown> = { id: this.o.switchId, on };
    if (on && this.o.deadManSeconds > 0) params.toggle_after = this.o.deadManSeconds;
    await this.rpc('Switch.Set', params);
  }

  /** `Switch.GetStatus`: records the output it reports. */
  private async refresh(): Promise<void> {
    const r = (await this.rpc('Switch.GetStatus', { id: this.o.switchId })) as { output?: unknown } | undefined;
    if (typeof r?.output !== 'boolean') throw new PlugError('refused', `${this.description}: Switch.GetStatus has no output field`);
    this.track.report(r.output);
  }

  /** One RPC call: resolves with `result`, rejects with `PlugError` on an error reply or no reply in time. */
  private async rpc(method: string, params: Record<string, unknown>): Promise<unknown> {
    const id = this.nextId++;
    let reply: RpcReply | undefined;
    this.pending.set(id, (r) => {
      reply = r;
      this.track.poke();
    });
    try {
      await this.o.link.publish(`${this.o.prefix}/rpc`, JSON.stringify({ id, src: this.o.clientId, method, params }));
      await this.track.waitFor(() => reply !== undefined, method);
      if (reply?.error) throw new PlugError('refused', `${this.description}: ${method} failed: ${String(reply.error.message ?? reply.error.code)}`);
      return reply?.result;
    } finally {
      this.pending.delete(id);
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
