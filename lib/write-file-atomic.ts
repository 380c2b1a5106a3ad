import { open, rename, unlink } from 'node:fs/promises';

let counter = 0;

/**
 * Replaces `file` with `data` so that a reader — or the next start after a
 * crash — sees either the old content or the new, never a part: the bytes go
 * to a temp file in the same folder, are fsynced, and the temp file is renamed
 * over the target.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
