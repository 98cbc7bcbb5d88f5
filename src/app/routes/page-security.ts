import type { Context } from "hono";

/** A fresh CSP nonce per response: the page's own style and script carry it, nothing else runs. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/** Headers every HTML page of ours carries: a strict CSP, no caching, no referrer, no framing. */
export function setPageHeaders(c: Context, nonce: string, extraCsp = ""): void {
  c.header("Content-Security-Policy", `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'${extraCsp ? `; ${extraCsp}` : ""}`);
  c.header("Cache-Control", "private, no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
}
