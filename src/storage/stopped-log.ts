// A stopped member's durable state, read without changing anything (no temp file removed, no
// snapshot record forgotten, no directory made): what `raftkv backup` copies. The log database's
// LOCK is held while reading, so a running member is refused and a stopped one cannot start meanwhile.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { openLogDb, readSnapshotRecords } from './log-db.js';
import type { LogDb } from './log-db.js';
import { loadState } from './log-loader.js';
import type { LoadedState } from './log-loader.js';

export class MemberDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemberDataError';
  }
}

export async function readStoppedLog(dataDir: string, logger: { warn(obj: object, msg: string): void }): Promise<LoadedState> {
  const memberDir = join(dataDir, 'member');
  const logDir = join(memberDir, 'log');
  // LevelDB's CURRENT names its manifest: without it there is no database here.
  await access(join(logDir, 'CURRENT')).catch(() => {
    throw new MemberDataError(`${dataDir} holds no raftkv member data (no log database in ${logDir})`);
  });
  let db: LogDb;
  try {
    db = await openLogDb(logDir, { createIfMissing: false });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') throw new MemberDataError(`${dataDir} is in use: a running member holds its log database (${cause.message}); stop the member first`);
    throw err;
  }
  try {
    return await loadState(db, join(memberDir, 'snap'), await readSnapshotRecords(db), logger);
  } finally {
    await db.close();
  }
}
