import { rmSync } from 'node:fs';

const folders = new Set<string>();

function removeAll(): void {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

/**
 * Removes `folder` when the process exits (normally, through process.exit, or after a signal
 * handler that calls process.exit — the CLI turns SIGINT/SIGTERM into one). Returns the
 * function that forgets it again, for when its owner removed it itself.
 */
export function removeOnExit(folder: string): () => void {
  if (folders.size === 0) process.once('exit', removeAll);
  folders.add(folder);
  return () => {
    folders.delete(folder);
    if (folders.size === 0) process.removeListener('exit', removeAll);
  };
}
