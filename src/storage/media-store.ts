// Files users sent (set-up photos), by key. Node keeps them on disk under a root directory
// (next to the SQLite file by default); tests may use the in-memory one.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { checkMediaKey as checkKey, type MediaStore, type StoredMedia } from "./media-key.ts";

export type { MediaStore, StoredMedia } from "./media-key.ts";

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
