/**
 * Why the dashboard's HTTP server refuses to start or a password cannot be set. `code`:
 * `HTTP_PASSWORD_REQUIRED` (non-loopback bind without a password), `HTTP_PASSWORD_FILE`
 * (password file unreadable, malformed or too open), `HTTP_TLS` (certificate or key unreadable),
 * `HTTP_PASSWORD_WEAK` (a new password too short or too long).
 */
export class HttpSecurityError extends Error {
  constructor(
    readonly code: 'HTTP_PASSWORD_REQUIRED' | 'HTTP_PASSWORD_FILE' | 'HTTP_TLS' | 'HTTP_PASSWORD_WEAK',
    message: string,
  ) {
    super(message);
    this.name = 'HttpSecurityError';
  }
}
