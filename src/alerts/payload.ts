import type { Alert, AlertSeverity } from './types.js';

/** Version of the webhook JSON payload; raised only for incompatible changes. */
export const PAYLOAD_VERSION = 1;

/** The webhook JSON body (documented in docs/alerts.md). Times: ISO 8601 UTC and wall ms. */
export interface WebhookPayload {
  version: number;
  id: string;
  kind: string;
  severity: AlertSeverity;
  title: string;
  message: string;
  at: string;
  atMs: number;
  controller: { id: string; name: string };
  enclosure: string | null;
  component: string | null;
  folded: number;
}

export function webhookPayload(a: Alert): WebhookPayload {
  return {
    version: PAYLOAD_VERSION,
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    title: a.title,
    message: a.message,
    at: new Date(a.at).toISOString(),
    atMs: a.at,
    controller: { id: a.controllerId, name: a.controllerName },
    enclosure: a.enclosureId,
    component: a.component,
    folded: a.folded,
  };
}

/** The message text of ntfy and e-mail: the message, the folded count, when, and the ids. */
export function alertText(a: Alert): string {
  const lines = [a.message];
  if (a.folded > 0) lines.push(`(${a.folded} more alert${a.folded === 1 ? '' : 's'} of this kind were folded into this one by the rate limit)`);
  lines.push('', `${a.controllerName} (${a.controllerId}) at ${new Date(a.at).toISOString()}`, `alert ${a.id}`);
  return lines.join('\n');
}

/** The title with the controller name (ntfy notifications and e-mail subjects). */
export function alertTitle(a: Alert): string {
  return `${a.controllerName}: ${a.title}${a.folded > 0 ? ` (+${a.folded})` : ''}`;
}

/**
 * ntfy priority 1..5 (docs.ntfy.sh/publish, "Message priority": 5 max/urgent, 4 high, 3 default):
 * critical 5, warning 4, info 3.
 */
export function ntfyPriority(s: AlertSeverity): number {
  return s === 'critical' ? 5 : s === 'warning' ? 4 : 3;
}

/** ntfy tags: an emoji short code for the severity (`rotating_light`, `warning`, `white_check_mark`/`information_source`), then `terrarium` and the enclosure. */
export function ntfyTags(a: Alert): string[] {
  const emoji = a.severity === 'critical' ? 'rotating_light' : a.severity === 'warning' ? 'warning' : a.kind === 'component.recovered' ? 'white_check_mark' : 'information_source';
  return [emoji, 'terrarium', ...(a.enclosureId ? [a.enclosureId] : [])];
}

/**
 * A header value safe for `fetch` (ByteString) that ntfy shows as written: ASCII as is, anything
 * else as an RFC 2047 encoded word `=?UTF-8?B?...?=`, which ntfy decodes in Title and Tags
 * (ntfy v2.4.0 release notes).
 */
export function headerText(s: string): string {
  const oneLine = s.replace(/[\r\n]+/g, ' ');
  // eslint-disable-next-line no-control-regex
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}
