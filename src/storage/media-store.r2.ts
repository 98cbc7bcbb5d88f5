import { checkMediaKey, type MediaStore } from "./media-key.ts";

/** The part of a Workers R2 bucket binding the store uses. */
export interface R2BucketLike {
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
}

/** Set-up photos on Workers: an R2 bucket (wrangler.toml binding MEDIA). A put is atomic in R2. */
export function createR2MediaStore(bucket: R2BucketLike): MediaStore {
  return {
    async put(key, bytes, contentType) {
      checkMediaKey(key);
      await bucket.put(key, bytes, { httpMetadata: { contentType } });
    },
    async get(key) {
      checkMediaKey(key);
      const object = await bucket.get(key);
      return object && { bytes: new Uint8Array(await object.arrayBuffer()), contentType: object.httpMetadata?.contentType ?? "application/octet-stream" };
    },
  };
}
