import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError } from "../domain/errors.ts";
import type { Logger } from "../log/logger.ts";

const STATUS: Record<string, 400 | 401 | 403 | 404 | 409 | 413> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
};

/** The one place where errors become HTTP answers: 4xx with a short reason, never a stack trace. */
export function createErrorHandler(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof DomainError) {
      const status = STATUS[err.code] ?? 400;
      logger.warn({ path: c.req.path, method: c.req.method, code: err.code, reason: err.message }, "request refused");
      return c.json({ error: err.code, message: err.message }, status);
    }
    if (err instanceof HTTPException) {
      logger.warn({ path: c.req.path, status: err.status, reason: err.message }, "request refused");
      return c.json({ error: "http", message: err.message }, err.status);
    }
    logger.error({ path: c.req.path, method: c.req.method, err }, "unhandled error");
    return c.json({ error: "internal", message: "服务器内部错误" }, 500);
  };
}
