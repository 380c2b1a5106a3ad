import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The image and the compose stack for real, under podman and podman-compose (docs/docker.md):
 * the base image built locally when missing (docker/build-base-image.sh), the image built,
 * directory + bank + TPP started, the scenarios service run, its JUnit file read from the host
 * folder. Minutes of work, so it runs under CI=true (where a missing engine fails it) or with
 * OBMOCK_ENGINE_TESTS=1, and is skipped, saying why, where no engine runs.
 */
const root = resolve(import.meta.dirname, '../..');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const wanted = process.env.CI === 'true' || process.env.OBMOCK_ENGINE_TESTS === '1';
const engineRuns = has('podman') && has('podman-compose') && spawnSync('podman', ['info']).status === 0;
const skip = !wanted
  ? 'the container engine test takes minutes: it runs under CI=true or OBMOCK_ENGINE_TESTS=1'
  : !engineRuns && process.env.CI !== 'true'
    ? 'no container engine runs here: apt-get install podman podman-compose runc debootstrap golang-github-containernetworking-plugin-dnsname (.ci/run installs them)'
    : false;
if (skip) process.stderr.write(`[skipped] docker/compose under podman: ${skip}\n`);

let work = '';
let reports = '';
const project = `obmocktest${process.pid}`;
const ports: Record<string, number> = {};

/** podman's default rlimits can exceed what an unprivileged runtime may set: ask for what this process has. */
function containersConf(): string {
  const limit = (flag: string) =>
    spawnSync('sh', ['-c', `ulimit -H${flag}`], { encoding: 'utf8' }).stdout.trim();
  const nofile = limit('n');
  const file = join(work, 'containers.conf');
  writeFileSync(
    file,
    [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=4096:4096"]`,
      '[engine]',
      'runtime = "runc"',
      '',
    ].join('\n'),
  );
  return file;
}

const freePort = () =>
  new Promise<number>((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });

let env: NodeJS.ProcessEnv = process.env;
const run = (cmd: string, args: string[], timeout = 600_000) =>
  new Promise<{ code: number; out: string }>((res) => {
    execFile(cmd, args, { cwd: root, env, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
const compose = (...args: string[]) => run('podman-compose', ['-p', project, ...args]);
const container = (service: string) => `${project}_${service}_1`;

describe.skipIf(skip)('docker-compose.yml under podman', () => {
  beforeAll(async () => {
    if (!engineRuns) throw new Error('CI=true and no container engine runs: .ci/run installs podman');
    work = mkdtempSync(join(tmpdir(), 'obmock-engine-'));
    reports = join(work, 'reports');
    mkdirSync(reports);
    chmodSync(reports, 0o777); // the container user (uid 1000) writes the reports
    for (const s of ['DIRECTORY', 'BANK', 'TPP']) ports[s] = await freePort();
    env = {
      ...process.env,
      CONTAINERS_CONF: containersConf(),
      OBMOCK_REPORTS: reports,
      OBMOCK_DIRECTORY_PORT: String(ports.DIRECTORY),
      OBMOCK_BANK_PORT: String(ports.BANK),
      OBMOCK_TPP_PORT: String(ports.TPP),
    };
    const base = await run(join(root, 'docker/build-base-image.sh'), [], 1_200_000);
    expect(base.code, base.out).toBe(0);
    const build = await run('podman', ['build', '-t', 'obmock:local', '.'], 1_200_000);
    expect(build.code, build.out.slice(-4000)).toBe(0);
    const up = await compose('up', '-d', 'directory', 'bank', 'tpp');
    expect(up.code, up.out.slice(-4000)).toBe(0);
    // podman runs health checks from systemd timers; without systemd, ask until healthy.
    const deadline = Date.now() + 240_000;
    for (const service of ['directory', 'bank', 'tpp']) {
      while ((await run('podman', ['healthcheck', 'run', container(service)])).code !== 0) {
        if (Date.now() > deadline) {
          const logs = await run('podman', ['logs', container(service)]);
          throw new Error(`${service} never became healthy:\n${logs.out.slice(-4000)}`);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }, 1_800_000);

  afterAll(async () => {
    if (!work) return;
    await compose('down', '-v');
    rmSync(work, { recursive: true, force: true });
  }, 120_000);

  it('runs as a non-root user, restarts unless stopped, publishes on 127.0.0.1 only', async () => {
    expect((await run('podman', ['exec', container('directory'), 'id', '-u'])).out.trim()).toBe('1000');
    for (const service of ['directory', 'bank', 'tpp']) {
      const policy = await run('podman', [
        'inspect',
        container(service),
        '--format',
        '{{.HostConfig.RestartPolicy.Name}}',
      ]);
      expect(policy.out.trim(), service).toBe('unless-stopped');
    }
    const published = await run('podman', ['port', container('bank')]);
    expect(published.out.trim()).toBe(`8444/tcp -> 127.0.0.1:${ports.BANK}`);
  });

  it('answers host tools at the URL it advertises, the service name resolved to 127.0.0.1', async () => {
    const ca = (await run('podman', ['exec', container('directory'), 'cat', '/data/directory/ca/bundle.pem']))
      .out;
    const discovery = await new Promise<{ status: number; body: string }>((res, rej) => {
      https
        .get(
          'https://bank:8444/banks/default/.well-known/openid-configuration',
          {
            ca,
            // as an /etc/hosts line `127.0.0.1 directory bank tpp` would, with the published port
            lookup: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]),
            port: ports.BANK,
            timeout: 10_000,
          },
          (r) => {
            let body = '';
            r.on('data', (c) => {
              body += c;
            });
            r.on('end', () => res({ status: r.statusCode ?? 0, body }));
          },
        )
        .on('error', rej);
    });
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body).registration_endpoint).toBe('https://bank:8444/banks/default/register');
  });

  it('the scenarios service runs the catalogue and writes a JUnit file to the host folder', async () => {
    const result = await compose('run', '--rm', 'scenarios');
    expect(result.code, result.out.slice(-4000)).toBe(0);
    expect(result.out).toContain('report: /reports/junit.xml');
    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    const suite = /<testsuites\b[^>]*>/.exec(junit)?.[0] ?? '';
    expect(Number(/tests="(\d+)"/.exec(suite)?.[1])).toBeGreaterThan(50);
    expect(suite).toContain('failures="0"');
    expect(suite).toContain('errors="0"');
    expect((junit.match(/<testcase /g) ?? []).length).toBeGreaterThan(50);
  }, 900_000);
});
