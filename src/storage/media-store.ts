// Files users sent (set-up photos), by key. Node keeps them on disk under a root directory
// (next to the SQLite file by default); tests may use the in-memory one.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";

export interface StoredMedia {
  bytes: Uint8Array;
  contentType: string;
}

export interface MediaStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredMedia | null>;
}

/** Keys are relative paths of [A-Za-z0-9._-] segments: nothing escapes the root. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

function checkKey(key: string): void {
  if (!KEY.test(key) || key.length > 300) throw new Error(`media store: bad key ${JSON.stringify(key.slice(0, 80))}`);
}

export function createFsMediaStore(root: string): MediaStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    checkKey(key);
    const p = resolve(base, key);
    if (!p.startsWith(base + sep)) throw new Error("media store: key outside the root");
    return p;
  };
  return {
    async put(key, bytes, contentType) {
      const p = pathOf(key);
      await mkdir(dirname(p), { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const tmp = `${p}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await writeFile(`${tmp}.type`, contentType);
      await rename(`${tmp}.type`, `${p}.type`);
      await rename(tmp, p);
    },
    async get(key) {
      const p = pathOf(key);
      try {
        const bytes = new Uint8Array(await readFile(p));
        const contentType = await readFile(`${p}.type`, "utf8").catch(() => "application/octet-stream");
        return { bytes, contentType };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
  };
}

export function createMemoryMediaStore(): MediaStore & { keys(): string[] } {
  const files = new Map<string, StoredMedia>();
  return {
    async put(key, bytes, contentType) {
      checkKey(key);
      files.set(key, { bytes: new Uint8Array(bytes), contentType });
    },
    async get(key) {
      return files.get(key) ?? null;
    },
    keys: () => [...files.keys()],
  };
}
