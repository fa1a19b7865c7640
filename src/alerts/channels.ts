import { dirname } from 'node:path';
import type { Config } from '../config/load.js';
import type { Clock } from '../hal/clock.js';
import { EmailChannel } from './email.js';
import { NtfyChannel } from './ntfy.js';
import type { AlertChannel } from './types.js';
import { WebhookChannel } from './webhook.js';

/**
 * The channels configured in `config.alerts`, in a fixed order (webhook, ntfy, email); none when
 * alerts are off. Secret files are resolved against the config file's directory.
 */
export function buildChannels(config: Config, clock: Clock): AlertChannel[] {
  const a = config.alerts;
  if (!a) return [];
  const baseDir = config.file === '<inline>' ? process.cwd() : dirname(config.file);
  const out: AlertChannel[] = [];
  if (a.webhook) out.push(new WebhookChannel(a.webhook, clock, baseDir));
  if (a.ntfy) out.push(new NtfyChannel(a.ntfy, clock, baseDir));
  if (a.email) out.push(new EmailChannel(a.email, clock, baseDir));
  return out;
}
