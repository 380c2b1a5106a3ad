import { generateRsaKeyPair } from './generate-rsa-key-pair.js';
import type { KeyPair } from './types.js';

export interface KeyPoolOptions {
  /** RSA modulus length, default 2048. */
  bits?: number;
  /** Keys kept ready or in generation, default 4. At most this many generations run in parallel. */
  size?: number;
}

/**
 * A pool of pre-generated RSA key pairs for tests and benchmarks that need many keys.
 * The first `take()` starts `size` generations in the background; every `take()` hands out the
 * oldest one (waiting if it is not ready yet) and starts a replacement.
 */
export class KeyPool {
  readonly bits: number;
  readonly size: number;
  private readonly pending: Promise<KeyPair>[] = [];
  private closed = false;

  constructor(options: KeyPoolOptions = {}) {
    this.bits = options.bits ?? 2048;
    this.size = options.size ?? 4;
    if (!Number.isInteger(this.size) || this.size < 1) throw new RangeError('KeyPool size must be >= 1');
  }

  /** Starts filling the pool without taking a key. */
  warm(): void {
    while (!this.closed && this.pending.length < this.size) this.pending.push(this.generate());
  }

  take(): Promise<KeyPair> {
    if (this.closed) return Promise.reject(new Error('KeyPool is closed'));
    this.warm();
    const next = this.pending.shift()!;
    this.warm();
    return next;
  }

  /** Stops refilling; generations already running finish and are dropped. */
  close(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  private generate(): Promise<KeyPair> {
    const p = generateRsaKeyPair(this.bits);
    // A key that fails and is never taken must not become an unhandled rejection;
    // whoever takes it still sees the error.
    p.catch(() => {});
    return p;
  }
}
