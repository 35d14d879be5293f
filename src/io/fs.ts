/**
 * Runtime-neutral file access for `save`/`load` and the data set readers: `Deno.readFile` /
 * `Deno.writeFile` under Deno, `node:fs/promises` elsewhere (Bun, Node). The `node:` module is
 * imported lazily, so runtimes without a file system (browsers, edge isolates) can still import
 * the library and use the byte-array forms.
 * @module
 */

/** A file path: a string or a `file:` URL. */
export type PathLike = string | URL;

interface DenoFs {
  readFile(path: string | URL): Promise<Uint8Array>;
  writeFile(path: string | URL, data: Uint8Array): Promise<void>;
}

function denoFs(): DenoFs | null {
  const d = (globalThis as { Deno?: Partial<DenoFs> }).Deno;
  return d && typeof d.readFile === "function" && typeof d.writeFile === "function" ? d as DenoFs : null;
}

/** The printable form of a path for error messages. */
export function pathName(path: PathLike): string {
  if (path instanceof URL) return path.protocol === "file:" ? decodeURIComponent(path.pathname) : path.href;
  return String(path);
}

function checkPath(op: string, path: unknown): PathLike {
  if (typeof path !== "string" && !(path instanceof URL)) {
    throw new TypeError(
      `${op}: expected a path (string or file: URL), got ${path === null ? "null" : typeof path}`,
    );
  }
  if (typeof path === "string" && path.length === 0) throw new TypeError(`${op}: the path is empty`);
  return path;
}

/** Reads a whole file; errors name the operation and the path. */
export async function readFileBytes(op: string, path: PathLike): Promise<Uint8Array> {
  checkPath(op, path);
  try {
    const d = denoFs();
    if (d) return await d.readFile(path);
    const fs = await import("node:fs/promises");
    const buf = await fs.readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(`${op}: cannot read ${pathName(path)}: ${(e as Error).message ?? e}`, { cause: e });
  }
}

/** Writes (creates or replaces) a whole file; errors name the operation and the path. */
export async function writeFileBytes(op: string, path: PathLike, data: Uint8Array): Promise<void> {
  checkPath(op, path);
  try {
    const d = denoFs();
    if (d) return await d.writeFile(path, data);
    const fs = await import("node:fs/promises");
    await fs.writeFile(path, data);
  } catch (e) {
    throw new Error(`${op}: cannot write ${pathName(path)}: ${(e as Error).message ?? e}`, { cause: e });
  }
}

/** A file opened for reading at offsets (see {@link openFileReader}). */
export interface FileReader {
  /** The file's size in bytes. */
  readonly size: number;
  /** Fills `dest` with the bytes at `position`; a short read (the file shrank) throws. */
  readAt(dest: Uint8Array, position: number): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

interface DenoFile {
  stat(): Promise<{ size: number }>;
  seek(offset: number, whence: number): Promise<number>;
  read(p: Uint8Array): Promise<number | null>;
  close(): void;
}

/**
 * Opens a file for reads at offsets (`Deno.open`, or `node:fs/promises`' `open` under Bun and
 * Node), so that a reader can take the parts it needs instead of the whole file; null where the
 * runtime has neither. Errors name the operation and the path.
 */
export async function openFileReader(op: string, path: PathLike): Promise<FileReader | null> {
  checkPath(op, path);
  const fail = (e: unknown): never => {
    throw new Error(`${op}: cannot read ${pathName(path)}: ${(e as Error)?.message ?? e}`, { cause: e });
  };
  const shortRead = (position: number, want: number): never =>
    fail(new Error(`the file ended before byte ${position + want} (did it change while being read?)`));
  const d =
    (globalThis as { Deno?: { open?: (p: PathLike, o: { read: boolean }) => Promise<DenoFile> } }).Deno;
  if (d && typeof d.open === "function") {
    let f: DenoFile;
    try {
      f = await d.open(path, { read: true });
    } catch (e) {
      return fail(e);
    }
    try {
      const size = (await f.stat()).size;
      return {
        size,
        async readAt(dest, position) {
          try {
            await f.seek(position, 0); // Deno.SeekMode.Start
            for (let off = 0; off < dest.length;) {
              const got = await f.read(dest.subarray(off));
              if (got === null) shortRead(position, dest.length);
              off += got!;
            }
          } catch (e) {
            if ((e as Error).message?.startsWith(`${op}:`)) throw e;
            fail(e);
          }
        },
        close() {
          f.close();
          return Promise.resolve();
        },
      };
    } catch (e) {
      f.close();
      return fail(e);
    }
  }
  let fs: typeof import("node:fs/promises");
  try {
    fs = await import("node:fs/promises");
  } catch {
    return null;
  }
  let fh: Awaited<ReturnType<typeof fs.open>>;
  try {
    fh = await fs.open(path, "r");
  } catch (e) {
    return fail(e);
  }
  try {
    const size = (await fh.stat()).size;
    return {
      size,
      async readAt(dest, position) {
        try {
          for (let off = 0; off < dest.length;) {
            const { bytesRead } = await fh.read(dest, off, dest.length - off, position + off);
            if (bytesRead === 0) shortRead(position, dest.length);
            off += bytesRead;
          }
        } catch (e) {
          if ((e as Error).message?.startsWith(`${op}:`)) throw e;
          fail(e);
        }
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    return fail(e);
  }
}

/** True when the file exists (and can be stat'ed). */
export async function fileExists(path: PathLike): Promise<boolean> {
  try {
    const d = (globalThis as { Deno?: { stat?: (p: string | URL) => Promise<unknown> } }).Deno;
    if (d && typeof d.stat === "function") await d.stat(path);
    else await (await import("node:fs/promises")).stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Decompresses gzip bytes with the web-standard `DecompressionStream`. */
export async function gunzip(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new Error(
      `${what}: cannot decompress gzip data: DecompressionStream is not available in this runtime`,
    );
  }
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
      new DecompressionStream("gzip"),
    );
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (e) {
    throw new Error(`${what}: gzip data is corrupt or truncated (${(e as Error).message ?? e})`, {
      cause: e,
    });
  }
}

/** True when `bytes` start with the gzip magic `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
