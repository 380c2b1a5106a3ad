import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SandboxServerInfo } from '../sandbox-server.js';
import { serviceNodeArgs } from './service-node-args.js';

const SCRIPT = fileURLToPath(new URL('../sandbox-server.js', import.meta.url));

export interface SandboxProcess extends SandboxServerInfo {
  ca: string;
  pid: number;
}

/** Runs `fn` against directory + bank in their own process (so the load generator's CPU is apart). */
export async function withSandboxProcess<T>(
  dataDir: string,
  nodeArgs: string[],
  fn: (s: SandboxProcess) => Promise<T>,
): Promise<T> {
  const child = spawn(process.execPath, [...serviceNodeArgs(), ...nodeArgs, SCRIPT, '--data-dir', dataDir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error('sandbox server did not start within 60 s')), 60_000);
      rl.once('line', (l) => {
        clearTimeout(timer);
        rl.close();
        resolve(l);
      });
      child.once('exit', (code) => reject(new Error(`sandbox server exited early (code ${code})`)));
    });
    const info = JSON.parse(line) as SandboxServerInfo;
    return await fn({ ...info, ca: await readFile(info.caBundle, 'utf8'), pid: child.pid! });
  } finally {
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
