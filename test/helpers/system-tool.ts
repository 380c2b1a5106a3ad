import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A program some tests need from the system (not from npm), and what to do without it. */
export interface SystemTool {
  /** The program's path, when found. */
  path?: string;
  /**
   * Why the tests that need it are skipped (a message with the install command), or false:
   * found, or CI=true — on CI a missing tool fails those tests instead of skipping them.
   */
  skip: string | false;
}

/**
 * Looks `names` up on the PATH (or takes `$env` when it names an existing file). When it is
 * missing outside CI, warns once with `install` and returns the skip reason.
 */
export function systemTool(opts: {
  names: string[];
  env?: string;
  install: string;
  neededFor: string;
}): SystemTool {
  const fromEnv = opts.env ? process.env[opts.env] : undefined;
  let path = fromEnv && existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of opts.names) {
    if (path) break;
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    path = r.stdout.trim().split('\n')[0] || undefined;
  }
  if (path || process.env.CI === 'true') return { ...(path ? { path } : {}), skip: false };
  const reason = `${opts.names[0]} is not installed, so ${opts.neededFor} are skipped: ${opts.install} (under CI=true a missing ${opts.names[0]} fails them)`;
  process.stderr.write(`[skipped] ${reason}\n`);
  return { skip: reason };
}
