// What every media store (disk on Node, R2 on Workers) shares: the interface and the key rule.

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

export function checkMediaKey(key: string): void {
  if (!KEY.test(key) || key.length > 300) throw new Error(`media store: bad key ${JSON.stringify(key.slice(0, 80))}`);
}
