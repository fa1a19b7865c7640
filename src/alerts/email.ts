import nodemailer from 'nodemailer';
import type { EmailConfig } from '../config/alerts-schema.js';
import { withTimeout, type Clock } from '../hal/clock.js';
import { alertText, alertTitle } from './payload.js';
import { readSecret } from './secrets.js';
import { AlertDeliveryError, type Alert, type AlertChannel } from './types.js';

/**
 * The e-mail channel: one message per alert through the configured SMTP server (nodemailer, a
 * fresh connection per message, so a changed password file is picked up). The alert id is the
 * message's `Message-ID` (`<id@terrarium>`) and its `X-Alert-Id` header: mail clients and
 * archives that see the same Message-ID twice keep one.
 *
 * TLS: `secure` (implicit TLS, port 465) or STARTTLS (`requireTls`: refuse a server that does not
 * offer it). The attempt is bounded by `timeoutSeconds` on the injected clock and by nodemailer's
 * own connection, greeting and socket timeouts (set to the same value).
 */
export class EmailChannel implements AlertChannel {
  readonly name = 'email' as const;
  readonly target: string;

  constructor(
    private readonly cfg: EmailConfig,
    private readonly clock: Clock,
    private readonly baseDir: string,
  ) {
    this.target = `smtp://${cfg.host}:${cfg.port}`;
  }

  /** @throws AlertDeliveryError, AlertSecretError */
  async send(alert: Alert, signal?: AbortSignal): Promise<void> {
    const c = this.cfg;
    const timeoutMs = c.timeoutSeconds * 1000;
    const pass = c.passwordFile !== undefined ? readSecret(c.passwordFile, this.baseDir, 'alerts.email.passwordFile') : undefined;
    const transport = nodemailer.createTransport({
      host: c.host,
      port: c.port,
      secure: c.secure,
      requireTLS: !c.secure && c.requireTls,
      ...(c.user !== undefined && pass !== undefined ? { auth: { user: c.user, pass } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    });
    const onAbort = (): void => transport.close();
    signal?.addEventListener('abort', onAbort);
    try {
      const sending = transport.sendMail({
        from: c.from,
        to: c.to,
        subject: alertTitle(alert),
        text: alertText(alert),
        messageId: `<${alert.id}@terrarium>`,
        headers: { 'X-Alert-Id': alert.id, 'X-Alert-Kind': alert.kind, 'X-Alert-Severity': alert.severity },
      });
      // The library's own timers end the socket; ours bound the wait on the injected clock, and a
      // stop (signal) ends the wait at once even when closing the transport does not end the send.
      sending.catch(() => undefined);
      const cancelled = new Promise<never>((_, reject) => {
        const fail = (): void => reject(new AlertDeliveryError(this.name, `${this.target}: cancelled`));
        if (signal?.aborted) fail();
        else signal?.addEventListener('abort', fail, { once: true });
      });
      await withTimeout(this.clock, Promise.race([sending, cancelled]), timeoutMs, () => new AlertDeliveryError(this.name, `${this.target}: no answer within ${c.timeoutSeconds} s`));
    } catch (e) {
      if (e instanceof AlertDeliveryError) throw e;
      throw new AlertDeliveryError(this.name, `${this.target}: ${smtpReason(e)}`, isPermanent(e), { cause: e });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

/** nodemailer's error code and the server's reply code, without the envelope or credentials. */
function smtpReason(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; message?: string };
  const parts = [err.code, err.responseCode !== undefined ? `SMTP ${err.responseCode}` : undefined].filter(Boolean);
  return parts.length ? parts.join(' ') : (err.message ?? String(e));
}

/**
 * The server refused this message or its recipients for good (RFC 5321 §4.2.1: 5yz is a permanent
 * negative reply) while accepting us: an envelope or message error with a 5yz reply. A login
 * failure is not (the keeper fixes the password and the queued alerts go out).
 */
function isPermanent(e: unknown): boolean {
  const err = e as { code?: string; responseCode?: number };
  return (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') && (err.responseCode ?? 0) >= 500;
}
