import { PayloadTooLargeError, ValidationError } from "../domain/errors.ts";

/**
 * Reads a request body as UTF-8, refusing more than `max` bytes whether or not Content-Length
 * is honest (it is checked first, then the stream is counted and cancelled past the cap).
 */
export async function readCappedBody(req: Request, max: number, channel: string): Promise<string> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    if (!/^\d+$/.test(declared.trim())) throw new ValidationError(`${channel}: bad Content-Length`);
    if (Number(declared) > max) throw new PayloadTooLargeError(`${channel}: body over ${max} bytes`, { limit: max });
  }
  if (!req.body) throw new ValidationError(`${channel}: empty body`);
  const all = await readStreamCapped(req.body, max, () => new PayloadTooLargeError(`${channel}: body over ${max} bytes`, { limit: max }));
  if (all.byteLength === 0) throw new ValidationError(`${channel}: empty body`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(all);
  } catch {
    throw new ValidationError(`${channel}: body is not UTF-8`);
  }
}

/** Reads a stream whole, cancelling it and throwing `tooBig()` once it passes `max` bytes. */
export async function readStreamCapped(body: ReadableStream<Uint8Array>, max: number, tooBig: () => Error): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return all;
}

/**
 * True when any string (or key) in a parsed JSON value holds a NUL, which PostgreSQL text cannot
 * store. Walks with its own stack: a few KB of `[[[[…` nest deeper than the call stack goes.
 */
export function containsNul(value: unknown): boolean {
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000")) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) todo.push(x);
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes("\u0000")) return true;
        todo.push(x);
      }
    }
  }
  return false;
}
