import type { MiddlewareHandler } from "hono";
import { UnauthenticatedError } from "../../domain/errors.ts";
import { sameSecret } from "../same-secret.ts";

/** `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. */
export function requireAdmin(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    if (!given || !(await sameSecret(given, token))) throw new UnauthenticatedError("admin token required");
    await next();
  };
}
