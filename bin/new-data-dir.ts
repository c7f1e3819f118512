// A data dir made whole or not at all, for `snapshot restore` and `backup`: built in a hidden
// sibling directory, made durable, then renamed into place (a directory rename is atomic), so an
// interrupted run leaves no half-made data dir a member could start from. A target that exists
// and is not empty is refused before anything is written.
import { mkdir, mkdtemp, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { syncDirectory } from '../src/storage/snapshot-files.js';

export async function assertFreshDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (names.length > 0) throw new Error(`${dir} exists and is not empty: refusing to write a data dir over it`);
}

/** Runs `fill` on a fresh directory that becomes `dir` once it returns. */
export async function makeDataDir(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await assertFreshDir(dir);
  const parent = dirname(resolve(dir));
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.${basename(dir)}.part-`));
  try {
    await fill(temp);
    await syncDirectory(join(temp, 'member'));
    await syncDirectory(temp);
    // Only an empty directory goes: one written to meanwhile makes rmdir fail, and nothing is lost.
    await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(temp, dir);
    await syncDirectory(parent);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
}
