import type { BenchPlan } from './plan.js';
import { cpuOf, DIST_MAIN, startProbed } from './procs.js';
import { type Figure, figure } from './results.js';
import { simulatedRaw, writeConfig } from './configs.js';
import { summary } from './stats.js';

/**
 * Start-up CPU to the first control decision, above `node -e 0`. Interleaved rounds: `node -e 0`
 * (CPU at exit), then `terrarium run --simulate` from dist/ on the shipped simulated config (a
 * fresh state directory each round), CPU when the first-tick log line is written (the tick loop
 * writes it after the first tick's decisions are applied). Both with the same CPU probe preloaded.
 */
export async function startupFigure(plan: BenchPlan, dir: string): Promise<Figure> {
  const ours: number[] = [];
  const bare: number[] = [];
  const wallMs: number[] = [];
  for (let i = 0; i < plan.startupRounds; i++) {
    const b = startProbed(['-e', '0']);
    bare.push(cpuOf(await b.next((s) => s.why === 'exit', 30_000)));
    const file = writeConfig(simulatedRaw(), dir, `startup-${i}`);
    const run = startProbed([DIST_MAIN, 'run', '--simulate', '--config', file]);
    try {
      const s = await run.next((x) => x.why === 'first-decision', 120_000);
      ours.push(cpuOf(s));
      wallMs.push(s.uptimeMs);
    } finally {
      await run.stop();
    }
  }
  const diffs = ours.map((o, i) => o - bare[i]);
  const d = summary(diffs);
  return figure({
    id: 'startup',
    name: 'start-up CPU to the first control decision, above node -e 0',
    value: d.median,
    unit: 'ms CPU',
    stats: d,
    reference: { name: 'node -e 0 (whole life)', value: summary(bare).median, unit: 'ms CPU', stats: summary(bare) },
    ratio: summary(ours).median / summary(bare).median,
    target: '<= 150 ms CPU above node -e 0',
    targetSpec: { op: '<=', limit: 150, of: 'value' },
    method: `${plan.startupRounds} interleaved rounds, each a fresh process of the shipped build: \`node -e 0\` (CPU at exit), then \`node dist/src/cli/main.js run --simulate\` on config/simulated.json with a fresh state directory (CPU when the "first control tick completed" log line is written, i.e. after the first decisions were applied to the outputs). CPU = process.cpuUsage() (user + system, every thread) from a probe preloaded into both. Value: median over rounds of (run - node -e 0) of the same round; ratio: median run CPU / median node -e 0 CPU.`,
    details: { runCpuMs: summary(ours), runWallToFirstDecisionMs: summary(wallMs) },
  });
}
