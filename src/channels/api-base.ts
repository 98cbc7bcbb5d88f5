// A platform API base URL from configuration: access tokens travel to it, so https only, except
// plain http to a loopback address (a local fake in tests and development).
import { z } from "zod";

const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;

export function safeApiBase(v: string): boolean {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return true; // not a URL at all: z.url reports it
  }
  return u.protocol === "https:" || (u.protocol === "http:" && LOOPBACK.test(u.hostname));
}

/** The zod type of such a variable, with its default; the value comes without a trailing slash. */
export const apiBaseUrl = (fallback: string) =>
  z
    .url({ message: "must be an absolute http(s) URL" })
    .default(fallback)
    .refine((v) => safeApiBase(v), { message: "must use https (plain http only to a loopback address: 127.0.0.0/8, ::1 or localhost)" })
    .transform((v) => v.replace(/\/+$/, ""));

/**
 * A channel is on when its required variables are set; a partial set is a mistake, reported per
 * missing variable. Returns whether all are set.
 */
export function requireAllOrNone(env: Record<string, unknown>, keys: readonly string[], label: string, ctx: z.RefinementCtx): boolean {
  const set = keys.filter((k) => env[k] !== undefined);
  if (set.length > 0 && set.length < keys.length) {
    for (const k of keys.filter((k) => env[k] === undefined)) {
      ctx.addIssue({ code: "custom", path: [k], message: `missing; the ${label} channel needs all of ${keys.join(", ")} (set: ${set.join(", ")})` });
    }
  }
  return set.length === keys.length;
}
