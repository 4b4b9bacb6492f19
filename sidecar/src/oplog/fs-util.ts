/** Small file-system helpers shared by the op log and snapshots. */
import { open } from 'node:fs/promises';
import { close, fsync, open as openCb } from 'node:fs';

/**
 * fsync a directory so a create, rename or unlink in it survives power loss (POSIX makes
 * the directory entry durable only when the directory itself is synced).
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Callback form of fsyncDir for the commit path (segment rotation), which avoids promises. */
export function fsyncDirCb(dir: string, cb: (err: Error | null) => void): void {
  openCb(dir, 'r', (err, fd) => {
    if (err) return cb(err);
    fsync(fd, (e) => close(fd, (e2) => cb(e ?? e2)));
  });
}
