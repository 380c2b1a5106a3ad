import https from 'node:https';

export interface Target {
  /** Address to connect to (the bind address; 0.0.0.0 → 127.0.0.1). */
  address: string;
  port: number;
  /** Name the server certificate must be valid for. */
  servername: string;
  path: string;
}

/** Resolves once the server answers 200 over HTTPS, its certificate verified against `ca`. */
export function waitUntilAnswering(target: Target, ca: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const host = target.address === '0.0.0.0' || target.address === '::' ? '127.0.0.1' : target.address;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const req = https.get(
        { host, port: target.port, path: target.path, servername: target.servername, ca, timeout: 2_000 },
        (res) => {
          res.resume();
          if (res.statusCode === 200) resolve();
          else retry(new Error(`${target.path} answered ${res.statusCode}`));
        },
      );
      req.on('error', retry);
      req.on('timeout', () => req.destroy(new Error(`${target.path} timed out`)));
    };
    const retry = (err: Error): void => {
      if (Date.now() > deadline) reject(err);
      else setTimeout(attempt, 100);
    };
    attempt();
  });
}
