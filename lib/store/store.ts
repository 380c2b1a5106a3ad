/**
 * The storage interface every service uses. Reads come from memory; a write
 * resolves only once it is durable (for the file-backed store: on disk).
 * Values must be JSON-compatible and are treated as immutable by callers:
 * to change a record, put a new object.
 */
export interface Store {
  get<T>(collection: string, id: string): T | undefined;
  list<T>(collection: string): T[];
  /** The records of a collection as [id, value], read one at a time (records changed during the iteration may or may not be seen). */
  entries<T>(collection: string): IterableIterator<[string, T]>;
  put<T>(collection: string, id: string, value: T): Promise<void>;
  delete(collection: string, id: string): Promise<void>;
  /** Resolves once every write made so far is durable. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export class UnknownCollection extends Error {
  constructor(name: string) {
    super(`unknown store collection '${name}'`);
  }
}
