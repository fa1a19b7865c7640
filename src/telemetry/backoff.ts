import type { Random } from '../resilience/random.js';

/**
 * Reconnect delay after `failures` consecutive failed connections, "full jitter"
 * (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015):
 * `random() * min(maxMs, minMs * 2^failures)`. Jitter spreads the reconnects of many controllers
 * after a broker restart; the cap keeps a long outage from pushing the next try out for hours.
 * @param failures consecutive failures so far (0 for the first retry)
 * @returns delay in ms, in [0, min(maxMs, minMs * 2^failures))
 */
export function fullJitterDelay(failures: number, minMs: number, maxMs: number, random: Random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(Math.max(0, failures), 30));
  return Math.floor(random.next() * ceiling);
}

/**
 * Delay before retrying after the broker refused our credentials: 50..100 % of `authFailureMs`
 * ("equal jitter", same source). A wrong password does not fix itself, so it is never retried in
 * a tight loop, yet a password rotated on the broker is picked up without a restart.
 */
export function authRetryDelay(authFailureMs: number, random: Random): number {
  return Math.floor(authFailureMs / 2 + random.next() * (authFailureMs / 2));
}

/**
 * CONNACK codes that mean "your credentials are wrong / you are not allowed": MQTT 3.1.1 §3.2.2.3
 * return codes 4 (bad user name or password) and 5 (not authorized); MQTT 5.0 §3.2.2.2 reason
 * codes 0x86 (bad user name or password) and 0x87 (not authorized).
 */
export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([4, 5, 0x86, 0x87]);

/** True when `err` is MQTT.js's `ErrorWithReasonCode` for an authentication/authorisation refusal. */
export function isAuthFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' && AUTH_FAILURE_CODES.has(code);
}

/**
 * CONNACK codes that mean "this protocol version is not supported": MQTT 3.1.1 §3.2.2.3 return
 * code 1 (unacceptable protocol version) and MQTT 5.0 §3.2.2.2 reason code 0x84 (unsupported
 * protocol version). A broker that speaks only 3.1.1 answers an MQTT 5 CONNECT with one of them.
 */
export function isProtocolRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 1 || code === 0x84;
}
