import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { AlertSecretError } from './types.js';

/**
 * Reads a secret from a file: its first line (`echo token > file` adds a newline that is not part
 * of the secret). Read at each send, so a rotated token is picked up without a restart. The value
 * goes only into the request, never into logs or errors.
 * @param file path, relative ones resolved against `baseDir` (the config file's directory)
 * @param what the config path, for the error (`alerts.ntfy.tokenFile`)
 * @throws AlertSecretError naming the file and the reason (never its content)
 */
export function readSecret(file: string, baseDir: string, what: string): string {
  const p = isAbsolute(file) ? file : resolve(baseDir, file);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (e) {
    throw new AlertSecretError(`cannot read ${what} ${p}: ${(e as { code?: string }).code ?? 'error'}`, { cause: e });
  }
  const first = text.split(/\r?\n/)[0];
  if (!first) throw new AlertSecretError(`${what} ${p} is empty`);
  return first;
}
