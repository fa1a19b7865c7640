import type { Clock, TimerHandle } from '../../src/hal/clock.js';
import type { MqttLink } from '../../src/hal/mqtt-link.js';

/**
 * A simulated Tasmota smart plug with one relay, speaking Tasmota's documented MQTT (Tasmota docs:
 * MQTT, Commands): `cmnd/<topic>/POWER[1]` with `ON`/`OFF`/`TOGGLE` or empty (query), replies
 * `stat/<topic>/RESULT` `{"POWER":"ON"}` and `stat/<topic>/POWER`; `PulseTime[1]` (1..111 tenths of
 * a second, 112..64900 = value - 100 s) switches the relay off that long after an ON, restarted by
 * every POWER command; `tele/<topic>/LWT` `Online` retained (the link's will says `Offline`).
 * Create its link with that will (`tele/<topic>/LWT`, `Offline`, retained).
 */
export class TasmotaPeer {
  /** The relay state: what the load gets. */
  on = false;
  /** Fault: the contacts are welded (reports and load stay on whatever it is told). */
  stuckOn = false;
  /** Commands received, oldest first (tests). */
  readonly received: Array<{ command: string; payload: string }> = [];
  private pulseTenths = 0;
  private pulseTimer: TimerHandle | undefined;

  constructor(
    private readonly link: MqttLink,
    private readonly clock: Clock,
    readonly topic: string,
  ) {}

  /** Announces itself online and starts answering commands. */
  async start(): Promise<void> {
    // A report that cannot go out (the link died meanwhile) is dropped, as a real plug drops it.
    await this.link.subscribe(`cmnd/${this.topic}/+`, (t, payload) => void this.command(t.slice(t.lastIndexOf('/') + 1), payload.toString('utf8')).catch(() => undefined));
    await this.link.publish(`tele/${this.topic}/LWT`, 'Online', { retain: true });
  }

  /** The PulseTime now in force, s (0 = none). */
  get pulseSeconds(): number {
    return this.pulseTenths <= 111 ? this.pulseTenths / 10 : this.pulseTenths - 100;
  }

  private async command(cmd: string, payload: string): Promise<void> {
    this.received.push({ command: cmd, payload });
    const upper = cmd.toUpperCase();
    if (upper === 'POWER' || upper === 'POWER1') {
      const p = payload.trim().toUpperCase();
      if (p === 'ON' || p === '1') this.set(true);
      else if (p === 'OFF' || p === '0') this.set(false);
      else if (p === 'TOGGLE' || p === '2') this.set(!this.on);
      if (p !== '') this.restartPulse();
      await this.reportPower();
    } else if (upper === 'PULSETIME' || upper === 'PULSETIME1') {
      const v = Number(payload);
      if (payload.trim() !== '' && Number.isInteger(v) && v >= 0 && v <= 64_900) this.pulseTenths = v;
      await this.link.publish(`stat/${this.topic}/RESULT`, JSON.stringify({ PulseTime1: { Set: this.pulseTenths, Remaining: 0 } }));
    }
  }

  private set(on: boolean): void {
    this.on = this.stuckOn ? true : on;
  }

  private restartPulse(): void {
    this.pulseTimer?.cancel();
    this.pulseTimer = undefined;
    if (!this.on || this.pulseTenths === 0) return;
    this.pulseTimer = this.clock.setTimeout(() => {
      this.set(false);
      void this.reportPower().catch(() => undefined);
    }, this.pulseSeconds * 1000);
  }

  private async reportPower(): Promise<void> {
    const word = this.on ? 'ON' : 'OFF';
    await this.link.publish(`stat/${this.topic}/RESULT`, JSON.stringify({ POWER: word }));
    await this.link.publish(`stat/${this.topic}/POWER`, word);
  }
}
