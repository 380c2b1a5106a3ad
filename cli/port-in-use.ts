/** `obmock up` could not listen: a port it wants is taken (another `obmock up`, most often). */
export class PortInUseError extends Error {
  constructor(
    readonly port: number | undefined,
    readonly address: string | undefined,
  ) {
    const where = port === undefined ? 'a port it needs' : `port ${port}${address ? ` on ${address}` : ''}`;
    super(
      `cannot listen: ${where} is already in use — is another 'obmock up' (npm start) running? ` +
        'Stop it, or start this one elsewhere: --port N (the directory on N, the bank N+1, the TPP N+2, ' +
        'the console N+3; --console-port for the console alone) or --port 0 for free ports',
    );
    this.name = 'PortInUseError';
  }
}

/** Node's listen failure for a taken port, as a PortInUseError; anything else unchanged. */
export function explainListenError(err: unknown): unknown {
  const e = err as { code?: unknown; port?: unknown; address?: unknown } | null;
  if (e?.code !== 'EADDRINUSE') return err;
  return new PortInUseError(
    typeof e.port === 'number' ? e.port : undefined,
    typeof e.address === 'string' ? e.address : undefined,
  );
}
