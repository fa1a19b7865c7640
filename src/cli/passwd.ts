import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { loadConfig } from '../config/load.js';
import { ensureDir } from '../platform/ensure-dir.js';
import { HttpSecurityError } from '../http/errors.js';
import { checkNewPassword, defaultPasswordFile, hashPassword, writePasswordFile } from '../http/password.js';
import { EXIT, reportFatal } from './exit.js';

/** Where `terrarium passwd` reads the password from and writes its messages. */
export interface PasswdIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

/**
 * Reads one line from `input`. On a TTY the typed characters are not echoed (raw mode, the
 * prompt written to `out`); Ctrl-C or Ctrl-D before Enter rejects.
 */
export function readSecretLine(input: PasswdIo['stdin'], out: Writable, prompt: string): Promise<string> {
  if (input.isTTY && input.setRawMode) {
    const tty = input;
    return new Promise((resolve, reject) => {
      out.write(prompt);
      let line = '';
      const done = (err?: Error): void => {
        tty.setRawMode?.(false);
        tty.off('data', onData);
        tty.pause();
        out.write('\n');
        if (err) reject(err);
        else resolve(line);
      };
      const onData = (chunk: Buffer | string): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done();
          if (ch === '\u0003' || ch === '\u0004') return done(new Error('cancelled'));
          if (ch === '\u007f' || ch === '\b') line = [...line].slice(0, -1).join('');
          else if (ch >= ' ') line += ch;
        }
      };
      tty.setRawMode?.(true);
      tty.resume();
      tty.on('data', onData);
    });
  }
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, terminal: false });
    let got = false;
    rl.once('line', (l) => {
      got = true;
      rl.close();
      resolve(l);
    });
    rl.once('close', () => {
      if (!got) reject(new Error('no password on standard input (expected one line)'));
    });
  });
}

/**
 * `terrarium passwd`: sets the dashboard password. On a terminal it asks twice without echo;
 * otherwise it reads one line from standard input. Stores only the scrypt hash, mode 0600, in
 * `http.passwordFile` (default `<stateDir>/http-password`). A running controller uses the new
 * password at the next login; existing sessions stay until they expire or log out.
 * Exit: 0 set, 1 not set (mismatch, too short, cannot write), 2 bad configuration.
 */
export async function passwdCommand(opts: { config: string }, io: PasswdIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    const file = config.http?.passwordFile ?? defaultPasswordFile(config.controller.stateDir);
    const password = await readSecretLine(io.stdin, io.stdout, 'New dashboard password: ');
    checkNewPassword(password);
    if (io.stdin.isTTY) {
      const again = await readSecretLine(io.stdin, io.stdout, 'Repeat it: ');
      if (again !== password) {
        io.stderr.write('terrarium: the passwords differ; nothing changed\n');
        return EXIT.runtime;
      }
    }
    ensureDir(dirname(file));
    writePasswordFile(file, await hashPassword(password));
    io.stdout.write(`dashboard password set (scrypt hash in ${file}, mode 0600)${config.http ? '' : '; add an "http" section to the configuration to serve the dashboard'}\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof HttpSecurityError || (e instanceof Error && e.message === 'cancelled')) {
      io.stderr.write(`terrarium: ${e.message}; nothing changed\n`);
      return EXIT.runtime;
    }
    return reportFatal(e, io.stderr);
  }
}
