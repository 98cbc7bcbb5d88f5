import type { MiddlewareHandler } from "hono";
import { UnauthenticatedError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { AppDeps } from "../deps.ts";
import { sameSecret } from "../same-secret.ts";
import { refusalBudget } from "./refusal-budget.ts";

/**
 * `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time. With `audit`, every refusal
 * is an `admin.refused` entry (method, path, reason; never the token given), up to a budget.
 */
export function requireAdmin(token: string, audit?: Pick<AppDeps, "db" | "clock" | "logger">): MiddlewareHandler {
  const budget = audit ? refusalBudget(audit.clock) : null;
  return async (c, next) => {
    const header = c.req.header("authorization");
    const given = /^Bearer (.+)$/.exec(header ?? "")?.[1];
    if (given && (await sameSecret(given, token))) return next();
    if (audit && budget) {
      const slot = budget.take();
      // Whatever a caller puts in the path is kept, but never a full mobile number.
      const path = maskMobiles(c.req.path.slice(0, 200));
      if (slot) {
        const reason = !header ? "no_credentials" : given ? "wrong_token" : "malformed_authorization";
        const detail = { reason, method: c.req.method, path, ...(slot.skippedBefore ? { unrecordedBefore: slot.skippedBefore } : {}) };
        await audit.db.prisma.$transaction((tx) => appendAudit(tx, { at: audit.clock.now(), action: "admin.refused", subjectType: "AdminApi", subjectId: path, channel: "admin-api", detail }));
      } else if (budget.firstSkipped) {
        audit.logger.warn({ path }, "admin refusals over the audit budget this minute: logged, not audited");
      }
    }
    throw new UnauthenticatedError("admin token required");
  };
}
