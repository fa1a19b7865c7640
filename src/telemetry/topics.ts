/**
 * The MQTT topic tree. `base` is `<mqtt.baseTopic>/<controller.id>`.
 *
 * Controller-wide topics have one level under `base`, enclosure topics two or more
 * (`<base>/<enclosure>/...`), so the two can never collide whatever the enclosure ids are.
 *
 * | topic | retained | QoS | content |
 * |---|---|---|---|
 * | `<base>/availability` | yes | 1 | `online` / `offline` (LWT) |
 * | `<base>/status` | yes | 1 | controller JSON: outbox and command counters |
 * | `<base>/health` | yes | 1 | controller-wide component health (broker, host) |
 * | `<base>/event` | no | 1 | controller-wide events (outbox) |
 * | `<base>/discovery-index` | yes | 1 | what Home Assistant discovery this controller published |
 * | `<base>/<enc>/state` | yes | 1 | latest enclosure state JSON |
 * | `<base>/<enc>/readings` | no | 1 | one reading per publish interval (outbox, in order) |
 * | `<base>/<enc>/event` | no | 1 | faults, recoveries, feeds, phase and mode changes (outbox) |
 * | `<base>/<enc>/health` | yes | 1 | the enclosure's component health |
 * | `<base>/<enc>/cmd/...` | never | - | commands in (see `commands.ts`) |
 * | `<base>/<enc>/result` | no | 1 | one final answer per command message (plus an earlier `accepted` one when the outcome comes later) |
 */
export class TopicTree {
  /** `<baseTopic>/<controllerId>`. */
  readonly base: string;

  constructor(
    baseTopic: string,
    readonly controllerId: string,
    readonly discoveryPrefix: string,
  ) {
    this.base = `${baseTopic}/${controllerId}`;
  }

  get availability(): string {
    return `${this.base}/availability`;
  }

  get status(): string {
    return `${this.base}/status`;
  }

  get discoveryIndex(): string {
    return `${this.base}/discovery-index`;
  }

  /** Home Assistant's birth/will topic (`online` after HA starts). */
  get haStatus(): string {
    return `${this.discoveryPrefix}/status`;
  }

  /** Subscription filter for every enclosure's commands. */
  get commandFilter(): string {
    return `${this.base}/+/cmd/#`;
  }

  state(enclosureId: string): string {
    return `${this.base}/${enclosureId}/state`;
  }

  readings(enclosureId: string): string {
    return `${this.base}/${enclosureId}/readings`;
  }

  result(enclosureId: string): string {
    return `${this.base}/${enclosureId}/result`;
  }

  /** Events of an enclosure, or controller-wide ones when `enclosureId` is `null`. */
  event(enclosureId: string | null): string {
    return enclosureId === null ? `${this.base}/event` : `${this.base}/${enclosureId}/event`;
  }

  /** Health of an enclosure's components, or of controller-wide ones when `null`. */
  health(enclosureId: string | null): string {
    return enclosureId === null ? `${this.base}/health` : `${this.base}/${enclosureId}/health`;
  }

  /** A command topic: `<base>/<enc>/cmd/<path...>`, e.g. `command('gecko', 'output', 'heater')`. */
  command(enclosureId: string, ...path: string[]): string {
    return `${this.base}/${enclosureId}/cmd/${path.join('/')}`;
  }

  /**
   * Splits a received command topic into the enclosure level and the path after `cmd/`, for every
   * topic {@link commandFilter} matches: `<base>/<enc>/cmd` gives an empty path, `<base>//cmd/x` an
   * empty enclosure id (both answered, as refusals).
   * @returns `null` when the topic is not under {@link commandFilter}
   */
  parseCommand(topic: string): { enclosureId: string; path: string[] } | null {
    const prefix = `${this.base}/`;
    if (!topic.startsWith(prefix)) return null;
    const parts = topic.slice(prefix.length).split('/');
    if (parts.length < 2 || parts[1] !== 'cmd') return null;
    return { enclosureId: parts[0], path: parts.slice(2) };
  }

  /** Device-based discovery topic: `<prefix>/device/<objectId>/config`. */
  discoveryDevice(objectId: string): string {
    return `${this.discoveryPrefix}/device/${objectId}/config`;
  }
}
