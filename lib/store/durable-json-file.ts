import { open, readFile, rename, unlink } from 'node:fs/promises';
import type { Adapter } from 'lowdb';

let counter = 0;

/**
 * A lowdb adapter whose write is atomic and durable: the JSON goes to a temp
 * file in the same folder, is fsynced, then renamed over the target. A killed
 * process leaves either the old file or the new one, never half of one.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async write(data: T): Promise<void> {
    // Serialise before the first await so the file holds the state at call time.
    const text = JSON.stringify(data);
    const tmp = `${this.file}.${process.pid}.${++counter}.tmp`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, this.file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}
