import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_NODE_ARGS, serviceNodeArgs } from '../../bench/lib/service-node-args.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** The young generation's semi-space size (MiB) of a new node process started with `args`. */
function semiSpaceMiB(args: readonly string[]): number {
  const script = `process.stdout.write(String(require('node:v8').getHeapSpaceStatistics()
    .find((s) => s.space_name === 'new_space').space_size / 2 ** 20))`;
  const { NODE_OPTIONS: _, ...env } = process.env;
  return Number(execFileSync(process.execPath, [...args, '-e', script], { env, encoding: 'utf8' }));
}

describe('the service processes’ node options', () => {
  it('are the ones npm start and the container image run the services with', () => {
    const start = JSON.parse(read('package.json')).scripts.start as string;
    expect(start).toBe(`node ${SERVICE_NODE_ARGS.join(' ')} dist/cli/main.js up`);
    const entrypoint = /^ENTRYPOINT (.+)$/m.exec(read('Dockerfile'))?.[1];
    expect(entrypoint && JSON.parse(entrypoint)).toEqual(['node', ...SERVICE_NODE_ARGS, 'dist/cli/main.js']);
  });

  it('are the ones docs/speed.md tells another project to start `obmock up` with', () => {
    const command = /`node (--[^`]*?) node_modules\/\.bin\/obmock up`/.exec(read('docs/speed.md'))?.[1];
    expect(command?.split(' ')).toEqual(
      SERVICE_NODE_ARGS.map((a) => a.replace(/^\.\/dist\//, './node_modules/obmock/dist/')),
    );
  });

  it('give the young generation its 64 MiB semi-spaces from the start (V8 starts at 1 MiB)', () => {
    expect(semiSpaceMiB([])).toBeLessThan(64);
    expect(semiSpaceMiB(serviceNodeArgs())).toBe(64);
  });

  it('preload the background-priority module: relative to the package root, absolute when spawned', () => {
    const i = SERVICE_NODE_ARGS.indexOf('--require');
    expect(SERVICE_NODE_ARGS[i + 1]).toBe('./dist/lib/process/lower-background-priority.cjs');
    const spawned = serviceNodeArgs();
    expect(spawned[i + 1]).toBe(
      fileURLToPath(new URL('dist/lib/process/lower-background-priority.cjs', root)),
    );
    expect(existsSync(spawned[i + 1])).toBe(true);
    expect(spawned.filter((_, j) => j !== i + 1)).toEqual(SERVICE_NODE_ARGS.filter((_, j) => j !== i + 1));
  });
});
