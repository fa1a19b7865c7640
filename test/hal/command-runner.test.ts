import { describe, expect, it } from 'vitest';
import { NodeCommandRunner, type ProcessExit } from '../../src/hal/command-runner.js';

/** These run real child processes (node itself), waiting on their events, never on time. */
const node = process.execPath;

describe('NodeCommandRunner.run', () => {
  it('returns stdout, stderr and a non-zero exit code without rejecting', async () => {
    const r = await new NodeCommandRunner().run(node, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    expect(r).toEqual({ stdout: 'out', stderr: 'err', code: 3, signal: null });
  });

  it('passes arguments verbatim, without a shell', async () => {
    const r = await new NodeCommandRunner().run(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '17=1', '$HOME; rm -rf /']);
    expect(JSON.parse(r.stdout)).toEqual(['17=1', '$HOME; rm -rf /']);
  });

  it('feeds input to stdin', async () => {
    const r = await new NodeCommandRunner().run(node, ['-e', 'process.stdin.pipe(process.stdout)'], { input: 'hello\n' });
    expect(r.stdout).toBe('hello\n');
  });

  it('rejects with ENOENT when the program does not exist', async () => {
    await expect(new NodeCommandRunner().run('terrarium-no-such-tool', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('kills the command and rejects when aborted', async () => {
    const abort = new AbortController();
    const run = new NodeCommandRunner().run(node, ['-e', 'setInterval(() => {}, 1000)'], { signal: abort.signal });
    abort.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('NodeCommandRunner.spawn', () => {
  it('writes lines to a long-lived process and hears its answers', async () => {
    const p = new NodeCommandRunner().spawn(node, [
      '-e',
      'require("readline").createInterface({ input: process.stdin }).on("line", (l) => { if (l === "exit") process.exit(0); console.log("got " + l); })',
    ]);
    let out = '';
    const answered = new Promise<void>((resolve) =>
      p.onStdout((c) => {
        out += c;
        if (out.includes('got b\n')) resolve();
      }),
    );
    const exited = new Promise<ProcessExit>((resolve) => p.onExit(resolve));
    p.write('a');
    p.write('b');
    await answered;
    expect(out).toBe('got a\ngot b\n');
    p.write('exit');
    expect(await exited).toEqual({ code: 0, signal: null });
  });

  it('reports SIGTERM from kill() through onExit, also to a late listener', async () => {
    const p = new NodeCommandRunner().spawn(node, ['-e', 'console.log("ready"); setInterval(() => {}, 1000)']);
    await new Promise<void>((resolve) => p.onStdout(() => resolve()));
    expect(p.pid).toBeGreaterThan(0);
    const exited = new Promise<ProcessExit>((resolve) => p.onExit(resolve));
    p.kill();
    expect(await exited).toEqual({ code: null, signal: 'SIGTERM' });
    const late = await new Promise<ProcessExit>((resolve) => p.onExit(resolve));
    expect(late.signal).toBe('SIGTERM');
    p.write('ignored after exit');
    p.kill();
  });

  it('reports a program that cannot start through onExit with the error', async () => {
    const p = new NodeCommandRunner().spawn('terrarium-no-such-tool', ['--version']);
    const exit = await new Promise<ProcessExit>((resolve) => p.onExit(resolve));
    expect(exit.code).toBeNull();
    expect(exit.error).toMatchObject({ code: 'ENOENT' });
  });

  it('collects stderr', async () => {
    const p = new NodeCommandRunner().spawn(node, ['-e', 'process.stderr.write("gpioset: unable to request lines: Device or resource busy"); process.exit(1)']);
    let err = '';
    p.onStderr((c) => (err += c));
    const exit = await new Promise<ProcessExit>((resolve) => p.onExit(resolve));
    expect(exit).toEqual({ code: 1, signal: null });
    expect(err).toBe('gpioset: unable to request lines: Device or resource busy');
  });
});
