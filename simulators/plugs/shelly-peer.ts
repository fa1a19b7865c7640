import type { Clock, TimerHandle } from '../../src/hal/clock.js';
import type { MqttLink } from '../../src/hal/mqtt-link.js';

interface RpcRequest {
  id?: unknown;
  src?: unknown;
  method?: unknown;
  params?: { id?: unknown; on?: unknown; toggle_after?: unknown };
}

/**
 * A simulated Shelly Gen2+ plug (one switch, `switch:0`) speaking the documented MQTT RPC (Shelly
 * Gen2 API: RPC channels over MQTT, Switch, Notifications): requests on `<prefix>/rpc`, replies on
 * `<src>/rpc` (`{id, src, dst, result}` or `{id, src, dst, error: {code, message}}`);
 * `Switch.Set {id, on, toggle_after}` returns `{was_on}` and arms a flip-back timer;
 * `Switch.GetStatus {id}` returns `{id, source, output}`; every change is announced as
 * `NotifyStatus` on `<prefix>/events/rpc`; `<prefix>/online` `true` retained (the will says `false`).
 */
export class ShellyPeer {
  output = false;
  /** Fault: the contacts are welded. */
  stuckOn = false;
  readonly received: RpcRequest[] = [];
  private flipBack: TimerHandle | undefined;

  constructor(
    private readonly link: MqttLink,
    private readonly clock: Clock,
    readonly prefix: string,
  ) {}

  async start(): Promise<void> {
    // A reply that cannot go out (the link died meanwhile) is dropped, as a real plug drops it.
    await this.link.subscribe(`${this.prefix}/rpc`, (_t, payload) => void this.request(payload.toString('utf8')).catch(() => undefined));
    await this.link.publish(`${this.prefix}/online`, 'true', { retain: true });
  }

  private async request(text: string): Promise<void> {
    let req: RpcRequest;
    try {
      req = JSON.parse(text) as RpcRequest;
    } catch {
      return; // a Shelly drops what it cannot parse
    }
    this.received.push(req);
    if (typeof req.src !== 'string' || typeof req.id !== 'number') return;
    const reply = (body: Record<string, unknown>): Promise<void> => this.link.publish(`${req.src as string}/rpc`, JSON.stringify({ id: req.id, src: this.prefix, dst: req.src, ...body }));
    if (req.params?.id !== 0) return reply({ error: { code: -105, message: `Argument 'id', value ${String(req.params?.id)} not found!` } });
    if (req.method === 'Switch.GetStatus') return reply({ result: { id: 0, source: 'MQTT', output: this.output } });
    if (req.method === 'Switch.Set' && typeof req.params.on === 'boolean') {
      const wasOn = this.output;
      this.setOutput(req.params.on);
      this.flipBack?.cancel();
      this.flipBack = undefined;
      const after = req.params.toggle_after;
      if (typeof after === 'number' && after > 0) {
        const target = !req.params.on;
        this.flipBack = this.clock.setTimeout(() => {
          this.setOutput(target);
          void this.notify().catch(() => undefined);
        }, after * 1000);
      }
      await reply({ result: { was_on: wasOn } });
      return this.notify();
    }
    return reply({ error: { code: 404, message: `No handler for ${String(req.method)}` } });
  }

  private setOutput(on: boolean): void {
    this.output = this.stuckOn ? true : on;
  }

  private notify(): Promise<void> {
    return this.link.publish(`${this.prefix}/events/rpc`, JSON.stringify({ src: this.prefix, dst: `${this.prefix}/events`, method: 'NotifyStatus', params: { ts: this.clock.now() / 1000, 'switch:0': { id: 0, output: this.output } } }));
  }
}
