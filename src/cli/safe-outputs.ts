import { loadConfig } from '../config/load.js';
import { createHardware } from '../app/hardware.js';
import { driveOutputsSafe } from '../app/safe-outputs.js';
import { SystemClock } from '../hal/system-clock.js';
import { EXIT, reportFatal } from './exit.js';

/** `terrarium safe-outputs`: every output OFF; exit 1 if any could not be driven. */
export async function safeOutputsCommand(opts: { config: string }, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    const { hardware } = await createHardware(config, new SystemClock());
    const results = await driveOutputsSafe(config, hardware);
    for (const r of results) out.write(`${r.ok ? 'OK  ' : 'FAIL'}  ${r.output}  ${r.detail}\n`);
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.runtime;
  } catch (e) {
    return reportFatal(e);
  }
}
