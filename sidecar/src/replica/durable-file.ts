import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir } from '../oplog/fs-util.js';

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

/**
 * Replaces the file atomically and durably: the new content is synced before the rename
 * (else a crash could leave the new name on empty content), and the rename after it.
 */
export async function replaceFileDurably(path: string, text: string): Promise<void> {
  const handle = await open(`${path}.tmp`, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(`${path}.tmp`, path);
  await fsyncDir(dirname(path));
}
