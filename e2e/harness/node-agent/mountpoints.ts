// Bind mounts need a mountpoint that exists on the host's filesystem, even in a
// private mount namespace. Paths a manifest names that the host lacks (say
// /etc/redis-crdt/tls) are created empty here, remembered, and removed again at
// shutdown, deepest first and only while still empty.
import fs from 'node:fs';
import path from 'node:path';

export class Mountpoints {
  private readonly created: string[] = [];

  /** Makes sure `target` exists as a directory (or an empty file when `isFile`). */
  ensure(target: string, isFile: boolean): void {
    if (fs.existsSync(target)) return;
    this.ensureDir(path.dirname(target));
    if (isFile) fs.writeFileSync(target, '', { flag: 'wx' });
    else fs.mkdirSync(target);
    this.created.push(target);
  }

  private ensureDir(dir: string): void {
    if (fs.existsSync(dir)) return;
    this.ensureDir(path.dirname(dir));
    fs.mkdirSync(dir);
    this.created.push(dir);
  }

  /** Removes what `ensure` created, leaving anything that gained content. */
  cleanup(): void {
    for (const p of this.created.reverse()) {
      try {
        const stat = fs.statSync(p);
        if (stat.isDirectory()) fs.rmdirSync(p);
        else if (stat.size === 0) fs.rmSync(p);
      } catch {
        // Not empty, or already gone: leave it.
      }
    }
    this.created.length = 0;
  }
}
