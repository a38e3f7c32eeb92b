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

/** Every upload folder (`uploadFolder`) and a ZIP's extracted entry are named so, in the temporary folder. */
const UPLOAD_FOLDER = /^partnership-[a-z0-9-]+-uploads$/;
const EXTRACTED_ENTRY = /^partnership-zip-[0-9a-f-]+$/;

/**
 * Removes what imports left in the temporary folder when a process stopped mid-way: files in every upload folder
 * and extracted ZIP entries, last written before `before`, except `keep` (uploads that open jobs still need).
 * Returns how many.
 */
export async function clearUploadsLeftBehind({
  before,
  keep = new Set(),
  root = tmpdir(),
}: {
  before: Date;
  keep?: ReadonlySet<string>;
  root?: string;
}): Promise<number> {
  const names = await readdir(root).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const path = join(root, name);
    if (UPLOAD_FOLDER.test(name)) removed += await removeStrayUploads(path, { before, keep });
    else if (EXTRACTED_ENTRY.test(name) && !keep.has(path)) {
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && info.mtimeMs < before.getTime()) {
        await rm(path, { force: true });
        removed++;
      }
    }
  }
  return removed;
}
