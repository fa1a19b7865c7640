import type { Clock } from '../hal/clock.js';
import { AlertDeliveryError, type ChannelName } from './types.js';

/** HTTP statuses that refuse the request's content itself (see {@link post}). */
const PERMANENT_STATUS: ReadonlySet<number> = new Set([400, 413, 415, 422]);

/**
 * POSTs with Node's global `fetch`, cancelled through an AbortController fired by a timer on the
 * injected clock after `timeoutMs`, or by `signal`. Resolves when the receiver answered 2xx (the
 * body is read and dropped so the connection can be reused).
 *
 * @throws AlertDeliveryError: on a timeout, a network error, or a non-2xx status. `permanent` only
 *   when the receiver refused the content of this request (RFC 9110 §15.5: 400 Bad Request, 413
 *   Content Too Large, 415 Unsupported Media Type, 422 Unprocessable Content), so the same alert
 *   would be refused again. Any other status (a wrong token 401/403, a wrong path 404, 429, 5xx)
 *   is retried: once the keeper fixes it, the queued alerts go out.
 */
export async function post(
  o: { clock: Clock; channel: ChannelName; target: string; timeoutMs: number; signal?: AbortSignal },
  url: string,
  headers: Headers | Record<string, string>,
  body: string,
): Promise<void> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = o.clock.setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, o.timeoutMs);
  const onAbort = (): void => ac.abort();
  o.signal?.addEventListener('abort', onAbort);
  try {
    if (o.signal?.aborted) ac.abort();
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers, body, signal: ac.signal, redirect: 'error' });
      await res.arrayBuffer();
    } catch (e) {
      if (timedOut) throw new AlertDeliveryError(o.channel, `${o.target}: no answer within ${Math.round(o.timeoutMs / 1000)} s`, false, { cause: e });
      if (ac.signal.aborted) throw new AlertDeliveryError(o.channel, `${o.target}: cancelled`, false, { cause: e });
      throw new AlertDeliveryError(o.channel, `${o.target}: ${networkReason(e)}`, false, { cause: e });
    }
    if (res.status < 200 || res.status > 299) {
      const permanent = PERMANENT_STATUS.has(res.status);
      throw new AlertDeliveryError(o.channel, `${o.target}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, permanent);
    }
  } finally {
    timer.cancel();
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** The useful part of a fetch failure (`fetch failed` hides it in `cause`): `ECONNREFUSED`, `ENOTFOUND`, ... */
function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e as Error).message ?? String(e);
}
