import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { SystemdNotifier, SystemdNotifyError, sanitizeStatus, watchdogIntervalMs } from '../../src/app/systemd-notify.js';
import type { CommandResult, CommandRunner } from '../../src/hal/command-runner.js';

/** A runner that records argv and answers with `result` (or fails to start with `error`). */
function fakeRunner(result: Partial<CommandResult> = {}, error?: Error): Pick<CommandRunner, 'run'> & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(cmd, args) {
      calls.push([cmd, ...args]);
      if (error) throw error;
      return { stdout: '', stderr: '', code: 0, signal: null, ...result };
    },
  };
}

const ENV = { NOTIFY_SOCKET: '/run/systemd/notify' };

describe('SystemdNotifier', () => {
  it('runs systemd-notify with --pid and the message for each notification', async () => {
    const runner = fakeRunner();
    const n = new SystemdNotifier({ runner, env: ENV, pid: 4242 });
    expect(n.enabled).toBe(true);
    await n.ready('2 enclosures, all checks passed');
    await n.status('running');
    await n.watchdog();
    await n.stopping('outputs safe');
    expect(runner.calls).toEqual([
      ['systemd-notify', '--pid=4242', '--ready', '--status=2 enclosures, all checks passed'],
      ['systemd-notify', '--pid=4242', '--status=running'],
      ['systemd-notify', '--pid=4242', 'WATCHDOG=1'],
      ['systemd-notify', '--pid=4242', 'STOPPING=1', '--status=outputs safe'],
    ]);
  });

  it('does nothing when NOTIFY_SOCKET is not set (not started by systemd)', async () => {
    const runner = fakeRunner();
    const n = new SystemdNotifier({ runner, env: {}, pid: 1 });
    expect(n.enabled).toBe(false);
    await n.ready();
    await n.watchdog();
    expect(runner.calls).toEqual([]);
  });

  it('cannot be made to send a second assignment through the status text', async () => {
    const runner = fakeRunner();
    await new SystemdNotifier({ runner, env: ENV, pid: 7 }).status('probe stale\nWATCHDOG=1\r\n\tagain');
    expect(runner.calls).toEqual([['systemd-notify', '--pid=7', '--status=probe stale WATCHDOG=1 again']]);
    expect(sanitizeStatus('x'.repeat(500))).toHaveLength(200);
  });

  it('throws SystemdNotifyError with stderr when the command fails', async () => {
    const n = new SystemdNotifier({ runner: fakeRunner({ code: 1, stderr: 'Failed to notify init system: Connection refused\n' }), env: ENV, pid: 9 });
    const err = await n.watchdog().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SystemdNotifyError);
    expect(err).toMatchObject({ code: 'SYSTEMD_NOTIFY', message: 'systemd-notify --pid=9 WATCHDOG=1 failed: Failed to notify init system: Connection refused' });
  });

  it('throws SystemdNotifyError with the cause when systemd-notify is not installed', async () => {
    const enoent = Object.assign(new Error('spawn systemd-notify ENOENT'), { code: 'ENOENT' });
    const err = await new SystemdNotifier({ runner: fakeRunner({}, enoent), env: ENV, pid: 9 }).ready().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SYSTEMD_NOTIFY', cause: enoent });
  });
});

describe('watchdogIntervalMs', () => {
  it.each([
    [{ WATCHDOG_USEC: '60000000' }, 20_000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '100' }, 10_000],
    [{ WATCHDOG_USEC: '60000000', WATCHDOG_PID: '555' }, 20_000], // meant for another process: default
    [{}, 20_000],
    [{ WATCHDOG_USEC: 'soon' }, 20_000],
    [{ WATCHDOG_USEC: '0' }, 20_000],
  ])('%j -> %s ms', (env, ms) => {
    expect(watchdogIntervalMs(env, 100)).toBe(ms);
  });
});

/**
 * The real CLI against a datagram socket standing in for systemd's: proves the argv produces the
 * sd_notify messages the manager expects. Needs python3 (Node has no AF_UNIX datagram sockets)
 * and systemd-notify; skipped where either is missing.
 */
const haveTools = ['python3', 'systemd-notify'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

const RECEIVER = `
import json, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("bound"), flush=True)
while True:
    msg, fds, _, _ = socket.recv_fds(s, 4096, 4)
    for fd in fds:
        os.close(fd)  # releases systemd-notify's barrier
    print(json.dumps(msg.decode()), flush=True)
`;

describe.skipIf(!haveTools)('SystemdNotifier with the real systemd-notify', () => {
  it('delivers WATCHDOG=1 and READY=1 with MAINPID to the notify socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'notify-'));
    const socketPath = join(dir, 'notify.sock');
    const receiver = spawn('python3', ['-c', RECEIVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: receiver.stdout })[Symbol.asyncIterator]();
    const next = async (): Promise<string> => JSON.parse((await lines.next()).value as string) as string;
    try {
      expect(await next()).toBe('bound');
      const { NodeCommandRunner } = await import('../../src/hal/command-runner.js');
      const runner = new NodeCommandRunner();
      // The real runner inherits process.env; the socket path reaches the CLI through it.
      const saved = process.env.NOTIFY_SOCKET;
      process.env.NOTIFY_SOCKET = socketPath;
      try {
        const n = new SystemdNotifier({ runner, env: process.env, pid: 4242 });
        await n.watchdog();
        const ping = await next();
        expect(ping.split('\n').sort()).toEqual(['MAINPID=4242', 'WATCHDOG=1']);
        expect(await next()).toBe('BARRIER=1');
        await n.ready('up');
        expect((await next()).split('\n').sort()).toEqual(['MAINPID=4242', 'READY=1', 'STATUS=up']);
      } finally {
        if (saved === undefined) delete process.env.NOTIFY_SOCKET;
        else process.env.NOTIFY_SOCKET = saved;
      }
    } finally {
      receiver.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
