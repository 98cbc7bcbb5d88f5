import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError, ValidationError } from "../domain/errors.ts";
import type { Logger } from "../log/logger.ts";

const STATUS: Record<string, 400 | 401 | 403 | 404 | 409 | 413> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
};

/**
 * A refused body may still be arriving (chunked, or a lying Content-Length): the server stops
 * reading it, so the connection cannot carry another request. Say so, instead of answering
 * keep-alive and then dropping the socket under the client's next request.
 */
function closeAfter(c: Context) {
  c.header("connection", "close");
}

/**
 * Refused before its body was read (401 on a webhook, 400 on a bad query): a small body is
 * drained by the server, but a chunked or large one may be cut off mid-way, so close as for 413.
 */
function bodyLeftUnread(c: Context): boolean {
  const r = c.req.raw;
  if (!r.body || r.bodyUsed) return false;
  return r.headers.has("transfer-encoding") || Number(r.headers.get("content-length") ?? 0) > 65_536;
}

/** The one place where errors become HTTP answers: 4xx with a short reason, never a stack trace. */
export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof DomainError) {
      const status = STATUS[err.code] ?? 400;
      if (status === 413 || bodyLeftUnread(c)) closeAfter(c);
      logger.warn({ path: c.req.path, method: c.req.method, code: err.code, reason: err.message }, "request refused");
      return c.json({ error: err.code, message: err.message }, status);
    }
    if (err instanceof HTTPException) {
      if (err.status === 413 || bodyLeftUnread(c)) closeAfter(c);
      logger.warn({ path: c.req.path, status: err.status, reason: err.message }, "request refused");
      return c.json({ error: "http", message: err.message }, err.status);
    }
    logger.error({ path: c.req.path, method: c.req.method, err }, "unhandled error");
    return c.json({ error: "internal", message: "服务器内部错误" }, 500);
  };
}

/**
 * No URL legitimately carries a NUL (%00): refused before any route, because PostgreSQL text
 * cannot store one and ids, paths and tokens end up in queries and the audit log.
 */
export const refuseNulInUrl: MiddlewareHandler = async (c, next) => {
  if (/%00|\u0000/i.test(c.req.url)) throw new ValidationError("URL contains a NUL character");
  await next();
};
