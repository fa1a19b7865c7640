import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const hasShellcheck = spawnSync('shellcheck', ['--version']).status === 0;

describe('shell scripts are shellcheck-clean', () => {
  // SC2310 (a function called in an `if` runs with set -e disabled) is optional in shellcheck;
  // it is enabled here because the installer relies on set -e inside its functions.
  it.skipIf(!hasShellcheck && !process.env.REQUIRE_SHELLCHECK).each(['systemd/install.sh', '.ci/run'])('%s', (script) => {
    const r = spawnSync('shellcheck', ['--enable=check-set-e-suppressed', '--severity=style', script], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
