import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICE_NODE_ARGS } from '../../bench/lib/service-node-args.js';
import { consoleUsesHttps } from '../../cli/console-https.js';

/**
 * The compose file and Dockerfile checked for structure: services, health checks, ports,
 * volumes, and commands the built CLI accepts. compose-engine.test.ts builds and runs them.
 */
const root = resolve(import.meta.dirname, '../..');
const BIN = resolve(root, 'dist/cli/main.js');
const compose = parse(readFileSync(resolve(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      build?: string;
      image?: string;
      command: string[];
      ports?: string[];
      volumes?: string[];
      healthcheck?: { test: string[] };
      depends_on?: Record<string, { condition: string }>;
      profiles?: string[];
      restart?: string;
    }
  >;
  volumes: Record<string, unknown>;
};
const run = promisify(execFile);

describe('docker-compose.yml', () => {
  it('has the three services and the one-shot scenarios service, from one image', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['bank', 'directory', 'scenarios', 'tpp']);
    const images = new Set(Object.values(compose.services).map((s) => s.image));
    expect([...images]).toEqual(['obmock:local']);
    expect(compose.services.directory.build).toBe('.');
  });

  it.each([
    ['directory', 8443, 'DIRECTORY'],
    ['bank', 8444, 'BANK'],
    ['tpp', 8445, 'TPP'],
  ])('%s: health check on its own host and port, port published on 127.0.0.1, restarts, data volume', (name, port, env) => {
    const s = compose.services[name];
    expect(s.ports).toEqual([`\${OBMOCK_BIND:-127.0.0.1}:\${OBMOCK_${env}_PORT:-${port}}:${port}`]);
    expect(s.restart).toBe('unless-stopped');
    expect(s.volumes).toContain('obmock-data:/data');
    const test = s.healthcheck?.test ?? [];
    expect(test.slice(0, 4)).toEqual(['CMD', 'node', 'dist/cli/main.js', 'health']);
    expect(test[4]).toBe(`https://${name}:${port}/health`);
    expect(test.slice(5)).toEqual(['--ca', '/data/directory/ca/bundle.pem']);
    const cmd = s.command;
    expect(cmd[0]).toBe('up');
    expect(cmd[cmd.indexOf('--services') + 1]).toBe(name);
    expect(cmd[cmd.indexOf('--host') + 1]).toBe(name);
    expect(cmd[cmd.indexOf('--port') + 1]).toBe('8443'); // base port: directory +0, bank +1, tpp +2
    if (name !== 'directory') {
      expect(cmd[cmd.indexOf('--directory-url') + 1]).toBe('https://directory:8443');
      expect(s.depends_on?.directory.condition).toBe('service_healthy');
    }
  });

  it('the scenarios service targets the bank, writes reports to a host folder, and waits for a healthy bank', () => {
    const s = compose.services.scenarios;
    expect(s.command[0]).toBe('scenarios');
    expect(s.command[s.command.indexOf('--target') + 1]).toBe(
      'https://bank:8444/banks/default/.well-known/openid-configuration',
    );
    expect(s.command[s.command.indexOf('--out') + 1]).toBe('/reports');
    expect(s.volumes).toContain(`\${OBMOCK_REPORTS:-./reports}:/reports`);
    expect(s.depends_on?.bank.condition).toBe('service_healthy');
    const config = JSON.parse(readFileSync(resolve(root, 'docker/tpp-config.json'), 'utf8'));
    expect(config.directory.url).toBe('https://directory:8443');
    expect(Object.keys(compose.volumes).sort()).toEqual(['obmock-data']);
    const tpp = compose.services.tpp.command;
    expect(tpp[tpp.indexOf('--bank-discovery') + 1]).toBe(
      'default=https://bank:8444/banks/default/.well-known/openid-configuration',
    );
  });

  it('the console (docs/docker.md): in the directory container, HTTPS as bound off loopback, port 8446 not published', () => {
    const cmd = compose.services.directory.command;
    const bind = cmd[cmd.indexOf('--bind') + 1];
    expect(bind).toBe('0.0.0.0');
    expect(cmd).not.toContain('--console-http');
    expect(consoleUsesHttps({ bind })).toBe(true);
    // Only the directory's own port is published; the console (directory port + 3) stays inside.
    expect(compose.services.directory.ports?.join(' ')).not.toContain('8446');
    for (const name of ['bank', 'tpp']) {
      const c = compose.services[name].command;
      expect(c[c.indexOf('--services') + 1]).toBe(name); // no directory there, so no console
    }
  });

  it.each([
    'directory',
    'bank',
    'tpp',
    'scenarios',
  ])('the %s command is one the built CLI accepts', async (name) => {
    const cmd = compose.services[name].command;
    const { stdout } = await run(process.execPath, [BIN, ...cmd, '--help']);
    expect(stdout).toMatch(/^obmock (up|scenarios)/);
    for (const test of [compose.services[name].healthcheck?.test].filter(Boolean) as string[][]) {
      const help = await run(process.execPath, [BIN, test[3], '--help']);
      expect(help.stdout).toMatch(/^obmock health/);
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
  it('builds in a stage with the dev dependencies, runs a slim stage as a non-root user', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/^node:20-\S+ AS build\n/);
    expect(stages[0]).not.toContain('NODE_ENV=production'); // TypeScript is a dev dependency
    expect(stages[0]).toMatch(/^RUN npm ci --ignore-scripts/m);
    expect(stages[0]).toMatch(/^RUN npm run build && npm prune --omit=dev/m);
    expect(stages[1]).toMatch(/^COPY --from=build \/app\/dist dist$/m);
    expect(stages[1]).toMatch(/^USER node$/m);
    expect(stages[1]).not.toMatch(/^RUN npm/m);
    // What the runtime reads from outside dist/ (package.json "files" minus docs and examples):
    // without console/assets, `up` stops at start ("console asset … is missing").
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { files: string[] };
    for (const entry of pkg.files.filter((f) => !/^(!|dist|docs|examples|README)/.test(f)))
      expect(stages[1], entry).toMatch(new RegExp(`^COPY ${entry} ${entry}$`, 'm'));
  });

  it('builds every source folder the build compiles and runs the CLI', () => {
    expect(dockerfile).toMatch(/^FROM node:20-/m);
    const build = JSON.parse(readFileSync(resolve(root, 'tsconfig.build.json'), 'utf8')) as {
      include: string[];
    };
    for (const entry of build.include)
      expect(dockerfile, entry).toMatch(new RegExp(`^COPY ${entry.replace('.', '\\.')} `, 'm'));
    expect(dockerfile).toContain('RUN npm ci');
    // with the service processes' node options (bench/lib/service-node-args.ts)
    const entrypoint = ['node', ...SERVICE_NODE_ARGS, 'dist/cli/main.js'].map((a) => `"${a}"`).join(', ');
    expect(dockerfile).toContain(`ENTRYPOINT [${entrypoint}]`);
    expect(dockerfile).toMatch(/EXPOSE 8443 8444 8445/);
    expect(dockerfile).toContain('--bind", "0.0.0.0"');
    // The default command (every service, console included) binds off loopback: its console is HTTPS on 8446.
    expect(dockerfile).toMatch(/^EXPOSE .*\b8446\b/m);
    expect(consoleUsesHttps({ bind: '0.0.0.0' })).toBe(true);
    expect(dockerfile).not.toContain('--console-http');
  });
});
