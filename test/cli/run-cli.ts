import { spawn } from 'node:child_process';

/** What a CLI run printed, and its exit code. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `terrarium` CLI from source (through tsx) as a user would, and collects its
 * output. `env` adds to this process's environment; `closeStdoutEarly` closes the pipe after the
 * first chunk, like `| head -1`.
 */
export function runCli(args: string[], o: { env?: NodeJS.ProcessEnv; closeStdoutEarly?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (o.closeStdoutEarly) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
