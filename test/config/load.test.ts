import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';

describe('config', () => {
  it('loads the shipped simulated configuration with the leopard gecko profile merged in', () => {
    const cfg = loadConfig('config/simulated.json');
    expect(cfg.hardware.backend).toBe('sim');
    expect(cfg.enclosures[0].climate.temperature.day.setpointC).toBe(28);
    expect(Object.isFrozen(cfg.enclosures[0])).toBe(true);
  });
});
