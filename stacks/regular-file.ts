/**
 * Reading a file a person named, or one found beside a stack, without trusting what it is: a FIFO
 * would block the read until someone writes to it (a plan hung on one beside its stack file), and
 * a device such as /dev/zero never ends (one grew a plan to 9 GB in half a minute).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** The path is not a regular file, or is larger than the reader takes; the message says which, for after the path. */
export class NotARegularFile extends Error {}

/**
 * The text of the regular file at `path`, at most `maxBytes` long. Opened without blocking, so a
 * FIFO is refused rather than waited on; anything else fails as `openSync`/`readSync` do.
 */
export function readRegularFile(path: string, maxBytes: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: "EISDIR" });
    if (!info.isFile()) throw new NotARegularFile("is not a regular file (a pipe, a socket or a device): give the path of a file");
    if (info.size > maxBytes) throw new NotARegularFile(`is ${megabytes(info.size)}, more than the ${megabytes(maxBytes)} it may be`);
    const buffer = Buffer.alloc(info.size);
    let read = 0;
    // The size was read once: a file that grows meanwhile is read as it was, never past the cap.
    while (read < buffer.length) {
      const got = readSync(fd, buffer, read, buffer.length - read, read);
      if (got === 0) break;
      read += got;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MB`;
