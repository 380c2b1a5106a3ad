import { type Store, UnknownCollection } from './store.js';

/** In-memory store for unit tests: same semantics, nothing on disk. */
export class MemoryStore implements Store {
  private readonly data = new Map<string, Map<string, unknown>>();

  constructor(collections: string[]) {
    for (const c of collections) this.data.set(c, new Map());
  }

  private col(name: string): Map<string, unknown> {
    const c = this.data.get(name);
    if (!c) throw new UnknownCollection(name);
    return c;
  }

  get<T>(collection: string, id: string): T | undefined {
    return this.col(collection).get(id) as T | undefined;
  }

  list<T>(collection: string): T[] {
    return [...this.col(collection).values()] as T[];
  }

  *entries<T>(collection: string): IterableIterator<[string, T]> {
    for (const [id, v] of this.col(collection)) yield [id, v as T];
  }

  async put<T>(collection: string, id: string, value: T): Promise<void> {
    this.col(collection).set(id, value);
  }

  async delete(collection: string, id: string): Promise<void> {
    this.col(collection).delete(id);
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
