import { mkdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The link that names the current generation, as the kubelet's AtomicWriter does for Secret volumes. */
const DATA_LINK = '..data';

/**
 * Publishes a set of files in `dir` so that a reader always sees one complete generation:
 * the files go into a new hidden directory, then one rename of the `..data` symlink
 * switches every `dir/<name>` (a symlink through `..data`) at once. A reader that opens
 * tls.crt and tls.key one after the other never gets a new certificate with an old key.
 */
export async function publishFiles(dir: string, files: ReadonlyMap<string, Buffer>, generation: string): Promise<void> {
  const generationDir = `..${generation}`;
  await mkdir(join(dir, generationDir), { recursive: true, mode: 0o750 });
  for (const [name, bytes] of files) await writeFile(join(dir, generationDir, name), bytes, { mode: 0o440 });
  const previous = await readlink(join(dir, DATA_LINK)).catch(() => undefined);
  const tmpLink = join(dir, `${DATA_LINK}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(generationDir, tmpLink);
  await rename(tmpLink, join(dir, DATA_LINK));
  for (const name of files.keys()) {
    const target = join(DATA_LINK, name);
    const current = await readlink(join(dir, name)).catch(() => undefined);
    if (current !== target) {
      await rm(join(dir, name), { force: true });
      await symlink(target, join(dir, name));
    }
  }
  if (previous !== undefined && previous !== generationDir) await rm(join(dir, previous), { recursive: true, force: true });
}

/** The files of the current generation, or undefined when one is missing. */
export async function readFiles(dir: string, names: readonly string[]): Promise<Map<string, Buffer> | undefined> {
  const files = new Map<string, Buffer>();
  for (const name of names) {
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes === undefined) return undefined;
    files.set(name, bytes);
  }
  return files;
}
