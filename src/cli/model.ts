import { join } from 'node:path';
import { initialPersistedState, parsePersistedState } from '../app/enclosure-state.js';
import { type Config, loadConfig } from '../config/load.js';
import { headroom, explainModel, type ModelSource } from '../model/explain.js';
import { EnclosureModel, type ModelSummary } from '../model/thermal-model.js';
import { StateDocument } from '../store/state-document.js';
import { EXIT, reportFatal } from './exit.js';

export interface ModelOptions {
  config: string;
  json?: boolean;
  /** Fit on a simulation of the configuration (virtual time) instead of the state directory. */
  simulate?: boolean;
  /** Simulated days for `--simulate` (default 2). */
  days?: number;
}

interface EnclosureModelReport {
  id: string;
  name: string;
  source: ModelSource;
  hoursFitted: number;
  summary: ModelSummary;
  headroom: ReturnType<typeof headroom>;
}

/**
 * `terrarium model [--config F] [--json] [--simulate [--days N]]`: prints each enclosure's fitted
 * thermal model in a keeper's words (how fast it warms and cools, each heater's effect) and each
 * heater's headroom (down to which room temperature it holds each setpoint). The fit comes from the
 * state directory (what the running controller learned), or with `--simulate` from a simulation of
 * the configuration; an enclosure with neither shows the configuration's seed figures, and says so.
 * Exit 0, or 2 for a bad configuration, 1 for a runtime failure.
 */
export async function modelCommand(opts: ModelOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  try {
    const config = loadConfig(opts.config);
    const reports = opts.simulate ? await fromSimulation(config, opts.days ?? 2) : fromStateDir(config);
    if (opts.json) out.write(`${JSON.stringify({ enclosures: reports }, null, 2)}\n`);
    else for (const r of reports) out.write(explainModel(config.enclosures.find((e) => e.id === r.id)!, r.summary, r.source, r.hoursFitted));
    return EXIT.ok;
  } catch (e) {
    return reportFatal(e);
  }
}

function report(config: Config, model: EnclosureModel, source: ModelSource): EnclosureModelReport {
  const enc = model.enc;
  const summary = model.summary();
  return { id: enc.id, name: enc.name, source: summary.updates > 0 ? source : 'seed', hoursFitted: summary.hoursFitted, summary, headroom: headroom(enc, summary) };
}

function fromStateDir(config: Config): EnclosureModelReport[] {
  const doc = new StateDocument(join(config.controller.stateDir, 'state.json'), parsePersistedState, initialPersistedState);
  const state = doc.load();
  return config.enclosures.map((enc) => {
    const model = new EnclosureModel(enc, undefined, config.hardware.backend === 'sim');
    const saved = state.enclosures[enc.id]?.model as { model?: unknown } | undefined;
    const restored = saved !== undefined && model.restore(saved.model);
    return report(config, model, restored ? 'history' : 'seed');
  });
}

async function fromSimulation(config: Config, days: number): Promise<EnclosureModelReport[]> {
  // The simulator is loaded only for this path (a Pi install never needs it for `model`).
  const { runSimulation } = await import('../../simulators/run-simulation.js');
  const simConfig: Config = { ...config, hardware: { ...config.hardware, backend: 'sim' } };
  let controller: { runtime(id: string): { diagnosis: { model: EnclosureModel } } | undefined } | undefined;
  await runSimulation({ config: simConfig, days, onController: (c) => (controller = c) });
  return config.enclosures.map((enc) => {
    const model = controller?.runtime(enc.id)?.diagnosis.model;
    if (!model) throw new Error(`simulation built no runtime for enclosure "${enc.id}"`);
    return report(config, model, 'simulation');
  });
}
