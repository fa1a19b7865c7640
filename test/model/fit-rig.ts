import type { Config } from '../../src/config/load.js';
import type { EnclosureModel } from '../../src/model/thermal-model.js';
import { diagnoseRig } from './diag-rig.js';

/** Fits the model of `cfg`'s first enclosure on `days` of rig data; returns the fitted model. */
export function fitOnRig(cfg: Config, days: number, roomKnown: boolean, seed = 1): EnclosureModel {
  return diagnoseRig(cfg, { days, roomKnown, seed }).diag.model;
}
