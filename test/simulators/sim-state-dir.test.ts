import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimStateDir } from '../../simulators/sim-state-dir.js';

describe('createSimStateDir', () => {
  it('creates a fresh directory on the RAM disk when there is one, else in the temp directory', () => {
    const a = createSimStateDir('terrarium-test-');
    const b = createSimStateDir('terrarium-test-');
    try {
      expect(a.dir).not.toBe(b.dir);
      expect(a.dir.startsWith(existsSync('/dev/shm') ? '/dev/shm/terrarium-test-' : join(tmpdir(), 'terrarium-test-'))).toBe(true);
      expect(existsSync(a.dir)).toBe(true);
    } finally {
      a.remove();
      b.remove();
    }
  });

  it('removes the directory with what the controller wrote into it, and tolerates a second remove', () => {
    const s = createSimStateDir('terrarium-test-');
    writeFileSync(join(s.dir, 'state.json'), '{}');
    s.remove();
    expect(existsSync(s.dir)).toBe(false);
    expect(() => s.remove()).not.toThrow();
  });
});
