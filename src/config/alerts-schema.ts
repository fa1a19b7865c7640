import { z } from 'zod';
import { PathString } from './limits.js';

/** Seconds, 1 s to 10 min: how long one delivery attempt may take before it is cancelled. */
const TimeoutSeconds = z.number().min(1).max(600);

/** An http(s) URL without credentials in it (`user:pass@`): secrets come from files. */
const HttpUrl = z
  .string()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u);
      return p.protocol === 'http:' || p.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL')
  .refine((u) => !/^https?:\/\/[^/?#]*@/i.test(u), 'no credentials in the URL: put secrets in a file (webhook.headerFiles, ntfy.tokenFile)');

/** An HTTP header name (RFC 9110 §5.1 token). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'an HTTP header name');

/** Header names whose values are secrets and so must come from `headerFiles`, never inline. */
const SECRET_HEADER = /authorization|cookie|token|secret|key|password|signature/i;

/** An e-mail address (one `@`, no spaces or angle brackets); the SMTP server has the last word. */
const Email = z.string().max(320).regex(/^[^\s@<>,;]+@[^\s@<>,;]+$/, 'an e-mail address (name@example.org)');

/**
 * A JSON POST of every alert to `url` (payload in docs/alerts.md), with the alert id in the
 * `Idempotency-Key` header so a receiver can drop a duplicate.
 */
export const WebhookSchema = z.strictObject({
  /** `https://host/path`; a token in the query is allowed (it is never logged), credentials are not. */
  url: HttpUrl,
  /** Extra request headers with non-secret values (e.g. `{"X-Source": "terrarium"}`). */
  headers: z
    .record(HeaderName, z.string().max(1000))
    .default({})
    .superRefine((h, ctx) => {
      for (const k of Object.keys(h)) {
        if (SECRET_HEADER.test(k)) ctx.addIssue({ code: 'custom', path: [k], message: `"${k}" looks like a secret: give it in headerFiles (a file holding the value), not inline` });
      }
    }),
  /** Headers whose values are read from files at each send (first line), e.g. `{"Authorization": "/etc/terrarium/webhook-auth"}`. */
  headerFiles: z.record(HeaderName, PathString).default({}),
  /** One attempt is cancelled after this many seconds. */
  timeoutSeconds: TimeoutSeconds.default(10),
});

/** ntfy publishing (docs.ntfy.sh/publish): POST `<url>/<topic>` with Title, Priority and Tags headers. */
export const NtfySchema = z.strictObject({
  /** The ntfy server. */
  url: HttpUrl.default('https://ntfy.sh').refine((u) => !/[?#]/.test(u), 'the server URL only (no query or fragment); the topic goes in ntfy.topic'),
  /** Topic name (ntfy: letters, digits, `-` and `_`, at most 64). On a public server the topic is as good as a password: choose a long random one. */
  topic: z.string().regex(/^[-_A-Za-z0-9]{1,64}$/, 'letters, digits, "-" and "_" only (1..64), as ntfy accepts'),
  /** File holding an ntfy access token (`tk_...`), sent as `Authorization: Bearer`; absent: anonymous. */
  tokenFile: PathString.optional(),
  timeoutSeconds: TimeoutSeconds.default(10),
});

/** E-mail through an SMTP server (nodemailer). */
export const EmailSchema = z
  .strictObject({
    /** SMTP server host name. */
    host: z.string().min(1).max(253),
    /** SMTP port: 587 (submission, STARTTLS) by default, 465 with `secure`. */
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (port 465, "implicit TLS"); `false`: plain connection upgraded by STARTTLS. */
    secure: z.boolean().default(false),
    /** Without `secure`: refuse to send unless the server upgrades the connection with STARTTLS. */
    requireTls: z.boolean().default(true),
    /** SMTP login user; with `passwordFile`. */
    user: z.string().min(1).max(320).optional(),
    /** File holding the SMTP password (first line). */
    passwordFile: PathString.optional(),
    /** Sender address. */
    from: Email,
    /** Recipients (at least one). */
    to: z.array(Email).min(1).max(50),
    timeoutSeconds: TimeoutSeconds.default(30),
  })
  .refine((e) => (e.user === undefined) === (e.passwordFile === undefined), { message: 'email.user and email.passwordFile go together', path: ['passwordFile'] });

/**
 * Alerts to the keeper (docs/alerts.md): latched faults and safety violations, components that
 * fail or come back, controller restarts; queued durably in `<stateDir>/alerts.db` and delivered
 * through each configured channel. Absent: no alerts, nothing loaded.
 */
export const AlertsSchema = z
  .strictObject({
    webhook: WebhookSchema.optional(),
    ntfy: NtfySchema.optional(),
    email: EmailSchema.optional(),
    /** Per enclosure and alert kind: repeats within this window are folded into one later alert with a count, s (0: every alert is sent). */
    minIntervalSeconds: z.number().int().min(0).max(86_400).default(600),
    /** Undelivered deliveries kept (one per alert and channel); beyond it the oldest are dropped and logged. */
    maxQueued: z.number().int().min(10).max(100_000).default(1000),
    /** Retry backoff of an unreachable channel: exponential from `minSeconds` doubling up to `maxSeconds`, jittered. */
    retry: z
      .strictObject({
        minSeconds: z.number().min(1).max(3600).default(10),
        maxSeconds: z.number().min(1).max(86_400).default(900),
      })
      .prefault({})
      .refine((r) => r.minSeconds <= r.maxSeconds, { message: 'retry.minSeconds must not exceed retry.maxSeconds', path: ['maxSeconds'] }),
    /** How often component health is compared with the last look, s. */
    healthPollSeconds: z.number().int().min(1).max(3600).default(10),
    /** At stop: how long the last delivery attempt may take, s; what is left stays queued for the next start. */
    flushOnStopSeconds: z.number().min(0).max(120).default(5),
  })
  .refine((a) => a.webhook !== undefined || a.ntfy !== undefined || a.email !== undefined, { message: 'configure at least one channel: webhook, ntfy or email' });

export type AlertsConfig = z.infer<typeof AlertsSchema>;
export type WebhookConfig = z.infer<typeof WebhookSchema>;
export type NtfyConfig = z.infer<typeof NtfySchema>;
export type EmailConfig = z.infer<typeof EmailSchema>;
