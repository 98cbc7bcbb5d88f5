// A request as data, so fuzzers can mutate it before it is built (test/reliability/fuzz-*.test.ts).
export interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Body;
  /** The client address the route sees (rate limits keyed by address). */
  peer?: string;
}
export type Body = { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array } | { kind: "stream"; chunks: number; chunkSize: number; fill: number };

export const textBody = (text: string): Body => ({ kind: "text", text });

/** The web Request for `r` (a "stream" body is chunked: no content-length). */
export function toRequest(r: Req): Request {
  const init: RequestInit & { duplex?: "half" } = { method: r.method, headers: r.headers };
  if (r.body && r.method !== "GET" && r.method !== "HEAD") {
    const b = r.body;
    if (b.kind === "text") init.body = b.text;
    else if (b.kind === "bytes") init.body = new Uint8Array(b.bytes);
    else {
      let left = b.chunks;
      init.body = new ReadableStream<Uint8Array>({ pull: (c) => (left-- > 0 ? c.enqueue(new Uint8Array(b.chunkSize).fill(b.fill)) : c.close()) });
      init.duplex = "half";
    }
  }
  return new Request(`http://localhost${r.path}`, init);
}
