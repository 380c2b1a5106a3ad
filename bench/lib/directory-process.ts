import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DirectoryServerInfo } from '../directory-server.js';
import { serviceNodeArgs } from './service-node-args.js';

/** The compiled server entry, next to this folder in dist/bench/. */
const SERVER_SCRIPT = fileURLToPath(new URL('../directory-server.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export interface DirectoryProcess {
  /** https://127.0.0.1:<port>: the server certificate carries the IP SAN, and this avoids ::1. */
  origin: string;
  adminToken: string;
  /** CA bundle PEM (issuing + root) that verifies the server certificate. */
  ca: string;
  pid: number;
  /** Closes the server (its store flushed) and waits for the process to exit. */
  stop(): Promise<void>;
}

export interface StartDirectoryProcessOptions {
  dataDir: string;
  /** Extra node flags for the child, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  nodeArgs?: string[];
}

/** Server processes started and not yet exited. */
const live = new Set<ChildProcess>();

/** Kills every server process still running (interrupted run) and waits until they are gone. */
export async function killDirectoryProcesses(): Promise<void> {
  const children = [...live];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`directory server did not start within ${START_TIMEOUT_MS / 1000} s`));
    }, START_TIMEOUT_MS);
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`directory server exited before it was ready (code ${code}, signal ${signal})`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.close();
    };
    lines.once('line', (line) => {
      cleanup();
      resolve(line);
    });
    child.once('exit', onExit);
  });
}

/** Starts the directory in its own node process on a free loopback port. */
export async function startDirectoryProcess(
  options: StartDirectoryProcessOptions,
): Promise<DirectoryProcess> {
  const child = spawn(
    process.execPath,
    [...serviceNodeArgs(), ...(options.nodeArgs ?? []), SERVER_SCRIPT, '--data-dir', options.dataDir],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  const stop = async (): Promise<void> => {
    const done = exited(child);
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const code = await done;
    clearTimeout(timer);
    if (code !== 0) throw new Error(`directory server (pid ${child.pid}) exited with code ${code}`);
  };
  let info: DirectoryServerInfo;
  try {
    info = JSON.parse(await firstLine(child)) as DirectoryServerInfo;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    origin: `https://127.0.0.1:${info.port}`,
    adminToken: info.adminToken,
    ca: await readFile(info.caBundle, 'utf8'),
    pid: child.pid!,
    stop,
  };
}

/** Runs `fn` against a fresh server process, stopping it afterwards even on failure. */
export async function withDirectoryProcess<T>(
  options: StartDirectoryProcessOptions,
  fn: (dir: DirectoryProcess) => Promise<T>,
): Promise<T> {
  const dir = await startDirectoryProcess(options);
  let result: T;
  try {
    result = await fn(dir);
  } catch (err) {
    await dir.stop().catch(() => undefined);
    throw err;
  }
  await dir.stop();
  return result;
}
