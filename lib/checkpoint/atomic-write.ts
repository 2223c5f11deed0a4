/**
 * Replacing a file so that a reader (or a process restarted after a crash or power loss) sees either
 * the old content or the new one, never a mix: write a temporary file in the same directory, fsync
 * it, rename it over the target (atomic on POSIX file systems), then fsync the directory so that the
 * rename itself is on disk.
 * @internal
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Pieces written in order; the first piece may be rewritten in place once the rest is known. */
export interface FileImage {
  pieces: readonly Uint8Array[];
}

function tempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Directories cannot be fsynced everywhere (Windows): those refusals are not errors. */
function ignorableDirSyncError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EINVAL' || code === 'EACCES' || code === 'ENOTSUP';
}

function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

export function writeFileAtomicSync(target: string, image: FileImage): void {
  const tmp = tempPath(target);
  const fd = fs.openSync(tmp, 'wx', 0o644);
  try {
    try {
      for (const p of image.pieces) writeAllSync(fd, p);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirSync(path.dirname(target));
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export async function writeFileAtomic(target: string, image: FileImage): Promise<void> {
  const tmp = tempPath(target);
  const handle = await fs.promises.open(tmp, 'wx', 0o644);
  try {
    try {
      for (const p of image.pieces) {
        for (let off = 0; off < p.length;) off += (await handle.write(p, off, p.length - off)).bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  let dir: fs.promises.FileHandle | undefined;
  try {
    dir = await fs.promises.open(path.dirname(target), 'r');
    await dir.sync();
  } catch (err) {
    if (!ignorableDirSyncError(err)) throw err;
  } finally {
    await dir?.close();
  }
}
