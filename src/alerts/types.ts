import { TerrariumError } from '../errors.js';

/**
 * What an alert is about. `fault.<FaultKind>`: a latched fault or a safety violation of the
 * control guard (src/control/types.ts); `component.failed` / `component.recovered`: a component's
 * health went to `failed` or came back from it; `controller.started`: the controller started
 * (saying whether the previous stop was clean); `test`: `terrarium notify --test`.
 */
export type AlertKind = `fault.${string}` | 'component.failed' | 'component.recovered' | 'controller.started' | 'test';

/** How urgent: `critical` (act now: heat locked out, latched fault), `warning`, `info`. */
export type AlertSeverity = 'critical' | 'warning' | 'info';

/** An alert before it is queued: everything but its id and the folded count. */
export interface AlertDraft {
  kind: AlertKind;
  severity: AlertSeverity;
  /** Enclosure it concerns, `null` for the controller as a whole. */
  enclosureId: string | null;
  /** Component (sensor, actuator, `controller`), or `null`. */
  component: string | null;
  /** One line: what happened, e.g. `gecko: over-temperature (heater)`. */
  title: string;
  /** What happened and what to do, a few sentences. */
  message: string;
  /** Wall ms it happened. */
  at: number;
}

/** A queued alert. Its `id` is stable across retries and restarts: receivers drop duplicates by it. */
export interface Alert extends AlertDraft {
  /** Unique id (UUID), sent with every delivery (webhook `id` field and `Idempotency-Key` header, ntfy `X-Alert-Id`, e-mail `Message-ID`). */
  id: string;
  /** Controller id and display name (config `controller.id`, `controller.name`). */
  controllerId: string;
  controllerName: string;
  /** Alerts of the same enclosure and kind folded into this one by the rate limit (0: none). */
  folded: number;
}

/** One notification channel (webhook, ntfy, e-mail). */
export interface AlertChannel {
  /** `webhook`, `ntfy` or `email`: the key of its delivery rows. */
  readonly name: ChannelName;
  /** Where it sends, for logs: no credentials, no query, no ntfy topic. */
  readonly target: string;
  /**
   * Delivers one alert. Resolves once the receiver accepted it.
   * @param signal aborts the attempt (stop)
   * @throws AlertDeliveryError (`permanent` when retrying cannot help, e.g. HTTP 400)
   */
  send(alert: Alert, signal?: AbortSignal): Promise<void>;
  /** Releases connections (e-mail transport). */
  close?(): void;
}

export type ChannelName = 'webhook' | 'ntfy' | 'email';

/** A delivery attempt failed. `permanent`: the receiver refused the alert itself (retrying the same alert cannot help). */
export class AlertDeliveryError extends TerrariumError {
  constructor(
    readonly channel: ChannelName,
    message: string,
    readonly permanent = false,
    options?: { cause?: unknown },
  ) {
    super('ALERT_DELIVERY', `${channel}: ${message}`, options);
  }
}

/** A secret file of the alerts configuration (token, password, header value) cannot be read. */
export class AlertSecretError extends TerrariumError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ALERT_SECRET', message, options);
  }
}
