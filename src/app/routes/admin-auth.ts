import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { UnauthenticatedError } from "../../domain/errors.ts";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
export function requireAdmin(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!given || !sameSecret(given, token)) throw new UnauthenticatedError("admin token required");
    await next();
  };
}
