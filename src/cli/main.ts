#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { VERSION } from '../version.js';
import { EXIT, reportFatal } from './exit.js';

/** Parses a positive integer option or fails with exit code 2. */
function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

/** Parses a positive number option (fractions allowed) or fails with exit code 2. */
function positiveNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

function integer(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

/** Parses `--speed`: a number from 1 to 3600. */
function speed(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 3600) throw new InvalidArgumentError('must be a number from 1 to 3600');
  return n;
}

/** Without --config: $TERRARIUM_CONFIG, else /etc/terrarium/config.json (see resolve-config.ts). */
const CONFIG_HELP = 'configuration file (default: $TERRARIUM_CONFIG or /etc/terrarium/config.json)';

/**
 * The `terrarium` command. Each subcommand resolves to an exit code:
 * 0 success, 1 runtime failure, 2 bad arguments or configuration.
 */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('terrarium')
    .description('Terrarium controller: climate, lights, misting and feeding for Raspberry Pi terrariums')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('run')
    .description('run the controller in real time (a live line per enclosure on a terminal, JSON logs otherwise)')
    .option('-c, --config <file>', `${CONFIG_HELP}; with --simulate and no config: the built-in simulated terrarium`)
    .option('--simulate', 'force the simulated hardware backend, whatever the config says')
    .option('--speed <n>', 'simulated hardware only: run simulated time n times faster than real time (1-3600)', speed)
    .option('--json', 'fatal errors as JSON on stderr')
    .action(async (opts: { config?: string; simulate?: boolean; speed?: number; json?: boolean }) => {
      const { runCommand } = await import('./run.js');
      setExit(await runCommand(opts));
    });

  program
    .command('simulate')
    .description('run the controller against the simulated terrarium in virtual time and write a report')
    .requiredOption('-c, --config <file>', 'configuration file')
    .requiredOption('-d, --days <n>', 'simulated days', positiveInt('--days'))
    .option('-s, --seed <n>', 'random seed (default: the config\'s hardware.sim.seed)', integer)
    .option('--scenario <file>', 'fault-injection scenario (simulators/scenarios/*.json)')
    .option('-r, --report <dir>', 'write report.json and report.svg here')
    .action(async (opts: { config: string; days: number; seed?: number; scenario?: string; report?: string }) => {
      const { simulateCommand } = await import('./simulate.js');
      setExit(await simulateCommand(opts));
    });

  program
    .command('check')
    .description('validate the configuration and probe every configured device; non-zero exit on any failure')
    .option('-c, --config <file>', `${CONFIG_HELP}; with --simulate and no config: the built-in simulated terrarium`)
    .option('--simulate', 'probe the simulated hardware instead')
    .option('--json', 'fatal errors as JSON on stderr')
    .action(async (opts: { config?: string; simulate?: boolean; json?: boolean }) => {
      const { checkCommand } = await import('./check.js');
      setExit(await checkCommand(opts));
    });

  program
    .command('status')
    .description('show health, mode, readings and recent faults of the running controller')
    .option('-c, --config <file>', `${CONFIG_HELP}; without either: a controller announced in the runtime directory`)
    .option('--json', 'print JSON (the same shape running or stopped; errors as JSON on stderr)')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const { statusCommand } = await import('./status.js');
      setExit(await statusCommand(opts));
    });

  program
    .command('ack')
    .description('acknowledge latched faults (all enclosures, or one)')
    .option('-c, --config <file>', `${CONFIG_HELP}; without either: a controller announced in the runtime directory`)
    .option('-e, --enclosure <id>', 'only this enclosure')
    .action(async (opts: { config?: string; enclosure?: string }) => {
      const { ackCommand } = await import('./ack.js');
      setExit(await ackCommand(opts));
    });

  program
    .command('model')
    .description("print each enclosure's fitted thermal model in plain words and each heater's headroom (down to which room temperature it holds each setpoint)")
    .option('-c, --config <file>', CONFIG_HELP, process.env.TERRARIUM_CONFIG ?? '/etc/terrarium/config.json')
    .option('--json', 'print JSON')
    .option('--simulate', "fit on a simulation of the configuration instead of the state directory's history")
    .option('-d, --days <n>', 'simulated days for --simulate (default 2)', positiveNumber('--days'))
    .action(async (opts: { config: string; json?: boolean; simulate?: boolean; days?: number }) => {
      const { modelCommand } = await import('./model.js');
      setExit(await modelCommand(opts));
    });

  program
    .command('notify')
    .description('send a test alert through every channel of the alerts section now; non-zero exit if any failed')
    .option('-c, --config <file>', CONFIG_HELP)
    .option('--test', 'send one test alert (not queued) and print per channel ok or the reason')
    .action(async (opts: { config?: string; test?: boolean }) => {
      const { notifyCommand } = await import('./notify.js');
      setExit(await notifyCommand(opts));
    });

  program
    .command('passwd')
    .description('set the dashboard password (asked twice without echo on a terminal, else one line from standard input); stores a scrypt hash')
    .option('-c, --config <file>', CONFIG_HELP, process.env.TERRARIUM_CONFIG ?? '/etc/terrarium/config.json')
    .action(async (opts: { config: string }) => {
      const { passwdCommand } = await import('./passwd.js');
      setExit(await passwdCommand(opts));
    });

  program
    .command('history')
    .description('print the local history of one enclosure (points or events) from the history database; works while the controller runs')
    .option('-c, --config <file>', CONFIG_HELP)
    .requiredOption('-e, --enclosure <id>', 'the enclosure')
    .option('--since <when>', 'start: a duration back from now (24h, 7d, 90m, 2w) or an ISO time', '24h')
    .option('--until <when>', 'end: the same forms (default: now)')
    .option('--events', 'print the events (faults, feeds, mode changes, recoveries) instead of the points')
    .option('--csv', 'CSV with a header row')
    .option('--json', 'a JSON array')
    .action(async (opts: { config?: string; enclosure: string; since?: string; until?: string; events?: boolean; csv?: boolean; json?: boolean }) => {
      const { historyCommand } = await import('./history.js');
      setExit(await historyCommand(opts));
    });

  program
    .command('safe-outputs')
    .description('drive every configured output to its safe (off) state without a running controller (systemd ExecStopPost)')
    .option('-c, --config <file>', CONFIG_HELP, process.env.TERRARIUM_CONFIG ?? '/etc/terrarium/config.json')
    .action(async (opts: { config: string }) => {
      const { safeOutputsCommand } = await import('./safe-outputs.js');
      setExit(await safeOutputsCommand(opts));
    });

  return program;
}

/** Entry point: parses argv, runs the command, exits with its code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return reportFatal(e);
  }
  return code;
}

/**
 * Output closed early (`terrarium check | head`): stop writing quietly instead of crashing on
 * EPIPE. The command goes on to its end (a running controller keeps control and still stops safely).
 */
export function ignoreClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
  });
}

const invokedDirectly = process.argv[1] !== undefined && /(?:^|[\\/])(main\.(?:js|ts)|terrarium)$/.test(process.argv[1]);
if (invokedDirectly) {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.exitCode = reportFatal(e);
    },
  );
}
