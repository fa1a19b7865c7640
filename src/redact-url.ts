/**
 * A URL as it may appear in logs and messages: user info dropped (`mqtts://user:pw@broker` becomes
 * `mqtts://broker`), query and fragment replaced by `?…` (webhook services often carry their token
 * there); scheme, host, port and path kept. Unparseable input becomes `<invalid url>`.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search || u.hash ? '?…' : ''}`;
  } catch {
    return '<invalid url>';
  }
}
