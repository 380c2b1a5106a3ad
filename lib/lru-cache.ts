export interface LruCacheOptions<V> {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Most bytes kept, as counted by `sizeOf` (default: no byte limit). */
  maxBytes?: number;
  /** The bytes an entry holds; an entry larger than `maxBytes` is not kept at all. */
  sizeOf?: (value: V) => number;
}

/**
 * A cache bounded in entries and in bytes: reading an entry makes it the most
 * recently used, adding one evicts the least recently used until both limits
 * hold. A Map keeps insertion order, which is the recency order here.
 */
export class LruCache<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  constructor(private readonly options: LruCacheOptions<V>) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, got ${options.maxEntries}`);
  }

  get size(): number {
    return this.map.size;
  }

  /** Bytes held, as counted by `sizeOf`. */
  get bytes(): number {
    return this.total;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Reads without changing the recency order. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    this.delete(key);
    const bytes = this.options.sizeOf?.(value) ?? 0;
    const maxBytes = this.options.maxBytes ?? Number.POSITIVE_INFINITY;
    if (bytes > maxBytes) return;
    this.map.set(key, { value, bytes });
    this.total += bytes;
    while (this.map.size > this.options.maxEntries || this.total > maxBytes) {
      const oldest = this.map.keys().next().value as K;
      this.delete(oldest);
    }
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.total -= e.bytes;
    return true;
  }

  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}
