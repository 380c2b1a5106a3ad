import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';

/** The journal file, opened for appending, and how its appends become durable. */
export interface Journal {
  file: FileHandle;
  /**
   * True when every write returns only once its bytes (and the file size that
   * reaches them) are on disk: the file is opened with O_DSYNC. False where the
   * platform has no O_DSYNC; the caller then calls `datasync()` after writing.
   */
  writesAreDurable: boolean;
}

const { O_APPEND, O_CREAT, O_DSYNC, O_WRONLY } = constants;

/**
 * Opens (creating it 0600 if needed) the store's journal for appending.
 *
 * With O_DSYNC a write is durable when it returns, exactly what a write followed
 * by fdatasync(2) gives (POSIX "synchronized I/O data integrity completion"),
 * but in one trip through libuv's thread pool instead of two. Each trip ends
 * only when the event loop notices its completion, and under load that wait,
 * not the disk, was most of a commit's time (docs/store.md, "Writes").
 */
export async function openJournal(path: string, options: { dsync?: boolean } = {}): Promise<Journal> {
  if ((options.dsync ?? true) && typeof O_DSYNC === 'number' && O_DSYNC !== 0) {
    return { file: await open(path, O_WRONLY | O_APPEND | O_CREAT | O_DSYNC, 0o600), writesAreDurable: true };
  }
  return { file: await open(path, 'a', 0o600), writesAreDurable: false };
}
