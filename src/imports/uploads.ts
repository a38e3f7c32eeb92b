import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Uploaded files wait on disk while their import runs in the background. Each kind of import keeps them in a
 * folder of its own, so that files a stopped process left behind can be found and removed.
 */
export function uploadFolder(kind: string): string {
  return join(tmpdir(), `partnership-${kind}-uploads`);
}

/** A new path in the kind's folder for one upload (the folder is made if need be). */
export async function newUploadPath(kind: string, name: string): Promise<string> {
  const dir = uploadFolder(kind);
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}

/** Removes files in the folder last written before `before`, except those still wanted; returns how many. */
export async function removeStrayUploads(
  dir: string,
  { before, keep = new Set() }: { before: Date; keep?: ReadonlySet<string> },
): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (keep.has(path)) continue;
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs < before.getTime()) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
