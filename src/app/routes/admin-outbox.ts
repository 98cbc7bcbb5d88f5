import { Hono } from "hono";
import { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import type { AppDeps } from "../deps.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { requireAdmin } from "./admin-auth.ts";
import type { Services } from "../services.ts";

const STATUSES = ["PENDING", "SENDING", "SENT", "DEAD"] as const;

/**
 * Operations endpoints for administrators (Bearer ADMIN_TOKEN; absent when no token is set):
 * the outbox's dead letters are visible and can be sent again.
 */
export function adminOutboxRoutes(deps: Pick<AppDeps, "config" | "db" | "clock" | "logger"> & { services: Pick<Services, "kickOutbox"> }) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;

  app.use("/admin/*", requireAdmin(token));

  app.get("/admin/outbox", async (c) => {
    const status = z.enum(STATUSES).default("DEAD").safeParse(c.req.query("status") ?? undefined);
    if (!status.success) throw new ValidationError(`status must be one of ${STATUSES.join(", ")}`);
    const rows = await prisma.outboxMessage.findMany({ where: { status: status.data }, orderBy: { createdAt: "desc" }, take: 200 });
    const counts = await prisma.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
    return c.json({
      counts: Object.fromEntries(counts.map((r) => [r.status, r._count._all])),
      messages: rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        userId: r.externalUserId,
        status: r.status,
        attempts: r.attempts,
        lastError: r.lastError,
        createdAt: r.createdAt,
        nextAttemptAt: r.nextAttemptAt,
        // Message text may quote a form: never hand out full mobile numbers.
        preview: maskMobiles(r.payloadJson).slice(0, 300),
      })),
    });
  });

  // Inbound events whose handling failed for good (the person was told), or was skipped.
  app.get("/admin/inbound", async (c) => {
    const status = z.enum(["PENDING", "FAILED", "SKIPPED", "DONE"]).default("FAILED").safeParse(c.req.query("status") ?? undefined);
    if (!status.success) throw new ValidationError("status must be one of PENDING, FAILED, SKIPPED, DONE");
    const rows = await prisma.inboundEvent.findMany({ where: { status: status.data }, orderBy: { receivedAt: "desc" }, take: 200 });
    return c.json({
      events: rows.map((r) => ({ id: r.id, channel: r.channel, userId: r.userId, status: r.status, attempts: r.attempts, lastError: r.lastError ? maskMobiles(r.lastError) : null, receivedAt: r.receivedAt, preview: maskMobiles(r.payloadJson).slice(0, 300) })),
    });
  });

  app.post("/admin/outbox/:id/retry", async (c) => {
    const id = c.req.param("id");
    const row = await prisma.outboxMessage.findUnique({ where: { id } });
    if (!row) throw new NotFoundError("no such outbox message");
    const now = deps.clock.now();
    await prisma.$transaction(async (tx) => {
      const r = await tx.outboxMessage.updateMany({ where: { id, status: "DEAD" }, data: { status: "PENDING", attempts: 0, nextAttemptAt: now, lastError: null } });
      if (r.count !== 1) throw new ConflictError(`message is ${row.status}, only DEAD messages are retried`);
      await appendAudit(tx, { action: "outbox.retry", subjectType: "OutboxMessage", subjectId: id, actorRole: "ADMIN", channel: "admin-api", detail: { previousError: row.lastError }, at: now });
    });
    deps.logger.info({ outboxId: id }, "dead letter re-queued by admin");
    void deps.services.kickOutbox();
    return c.json({ id, status: "PENDING" });
  });

  return app;
}
