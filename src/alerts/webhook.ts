import type { WebhookConfig } from '../config/alerts-schema.js';
import type { Clock } from '../hal/clock.js';
import { VERSION } from '../version.js';
import { post } from './http-post.js';
import { webhookPayload } from './payload.js';
import { redactUrl } from '../redact-url.js';
import { readSecret } from './secrets.js';
import type { Alert, AlertChannel } from './types.js';

/**
 * The webhook channel: each alert POSTed to `url` as JSON ({@link webhookPayload}), with the alert
 * id in the `Idempotency-Key` header (and the body's `id`), so a receiver drops a duplicate that a
 * crash between send and mark can cause. `headerFiles` values are read at each send.
 */
export class WebhookChannel implements AlertChannel {
  readonly name = 'webhook' as const;
  readonly target: string;

  constructor(
    private readonly cfg: WebhookConfig,
    private readonly clock: Clock,
    /** Directory relative `headerFiles` paths are resolved against (the config file's). */
    private readonly baseDir: string,
  ) {
    this.target = redactUrl(cfg.url);
  }

  /** @throws AlertDeliveryError, AlertSecretError */
  async send(alert: Alert, signal?: AbortSignal): Promise<void> {
    // Headers set() is case-insensitive: ours replace any configured header of the same name.
    const headers = new Headers(this.cfg.headers);
    for (const [k, file] of Object.entries(this.cfg.headerFiles)) headers.set(k, readSecret(file, this.baseDir, `alerts.webhook.headerFiles.${k}`));
    headers.set('content-type', 'application/json');
    headers.set('idempotency-key', alert.id);
    headers.set('user-agent', `terrarium-controller/${VERSION}`);
    await post({ clock: this.clock, channel: this.name, target: this.target, timeoutMs: this.cfg.timeoutSeconds * 1000, signal }, this.cfg.url, headers, JSON.stringify(webhookPayload(alert)));
  }
}
