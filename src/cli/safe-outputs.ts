import { loadConfig } from '../config/load.js';
import { createHardware } from '../app/hardware.js';
import { driveOutputsSafe } from '../app/safe-outputs.js';
import { SystemClock } from '../hal/system-clock.js';
import { EXIT, reportFatal } from './exit.js';

/** How long `safe-outputs` waits for the smart plugs' broker before trying every output, ms. */
const PLUG_CONNECT_WAIT_MS = 10_000;

/** `terrarium safe-outputs`: every output OFF; exit 1 if any could not be driven. */
export async function safeOutputsCommand(opts: { config: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    const built = await createHardware(config, new SystemClock());
    try {
      // Smart plugs are reached through the broker: give it a moment, then try every output anyway.
      await built.ready(PLUG_CONNECT_WAIT_MS);
      const results = await driveOutputsSafe(config, built.hardware);
      for (const r of results) out.write(`${r.ok ? 'OK  ' : 'FAIL'}  ${r.output}  ${r.detail}\n`);
      return results.every((r) => r.ok) ? EXIT.ok : EXIT.runtime;
    } finally {
      await built.close();
    }
  } catch (e) {
    return reportFatal(e);
  }
}
