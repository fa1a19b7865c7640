import type { NtfyConfig } from '../config/alerts-schema.js';
import type { Clock } from '../hal/clock.js';
import { post } from './http-post.js';
import { alertText, alertTitle, headerText, ntfyPriority, ntfyTags } from './payload.js';
import { redactUrl } from '../redact-url.js';
import { readSecret } from './secrets.js';
import type { Alert, AlertChannel } from './types.js';

/**
 * The ntfy channel, per ntfy's publish API (docs.ntfy.sh/publish): POST `<url>/<topic>` with the
 * message as the body and `Title`, `Priority` (1..5), `Tags` (comma-separated) headers;
 * `Authorization: Bearer <token>` from `tokenFile` (docs.ntfy.sh/publish/#access-tokens).
 * The alert id goes in `X-Alert-Id` (ntfy ignores it; a proxy may use it) and the body's last line.
 */
export class NtfyChannel implements AlertChannel {
  readonly name = 'ntfy' as const;
  /** The server only: on a public server the topic is as good as a password, so it is not logged. */
  readonly target: string;
  private readonly url: string;

  constructor(
    private readonly cfg: NtfyConfig,
    private readonly clock: Clock,
    private readonly baseDir: string,
  ) {
    this.url = `${cfg.url.replace(/\/+$/, '')}/${cfg.topic}`;
    this.target = `${redactUrl(cfg.url).replace(/\/+$/, '')}/<topic>`;
  }

  /** @throws AlertDeliveryError, AlertSecretError */
  async send(alert: Alert, signal?: AbortSignal): Promise<void> {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      title: headerText(alertTitle(alert)),
      priority: String(ntfyPriority(alert.severity)),
      tags: headerText(ntfyTags(alert).join(',')),
      'x-alert-id': alert.id,
    };
    if (this.cfg.tokenFile !== undefined) headers.authorization = `Bearer ${readSecret(this.cfg.tokenFile, this.baseDir, 'alerts.ntfy.tokenFile')}`;
    await post({ clock: this.clock, channel: this.name, target: this.target, timeoutMs: this.cfg.timeoutSeconds * 1000, signal }, this.url, headers, alertText(alert));
  }
}
