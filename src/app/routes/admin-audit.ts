import { Hono } from "hono";
import { ValidationError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import type { AppDeps } from "../deps.ts";
import { requireAdmin } from "./admin-auth.ts";

// GET /admin/audit: the hash-chained audit log, newest first, so a decision can be checked from
// outside (who, when, which channel, the opinion, and the hashes that chain it).

const PARAMS = new Set(["application", "person", "action", "from", "to", "limit", "before"]);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const ID = /^[A-Za-z0-9_:.-]{1,128}$/;
const ACTION = /^(\*\.)?[a-z_]+(\.[a-z_]+)*(\.\*)?$/;

function time(name: string, v: string): Date {
  const d = new Date(v);
  if (!ISO_TIME.test(v) || Number.isNaN(d.getTime())) throw new ValidationError(`${name} must be an ISO time, e.g. 2026-11-24T10:00:00Z (got "${v.slice(0, 40)}")`);
  return d;
}

function positiveInt(name: string, v: string, max: number): number {
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1 || Number(v) > max) throw new ValidationError(`${name} must be a whole number from 1 to ${max} (got "${v.slice(0, 40)}")`);
  return Number(v);
}

/** Every string in the detail with mobile numbers masked; numbers too (a mobile may be stored as one). */
function masked(value: unknown): unknown {
  if (typeof value === "string") return maskMobiles(value);
  if (typeof value === "number") return maskMobiles(String(value)) === String(value) ? value : maskMobiles(String(value));
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

function parseDetail(json: string): unknown {
  try {
    return masked(JSON.parse(json));
  } catch {
    return maskMobiles(json); // a tampered row may hold anything: show it, masked
  }
}

export function adminAuditRoutes(deps: Pick<AppDeps, "config" | "db" | "clock" | "logger">) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;
  // Mounted before the other admin routes, so this check (which audits refusals) runs first for all of /admin/*.
  app.use("/admin/*", requireAdmin(token, deps));

  app.get("/admin/audit", async (c) => {
    const q = c.req.queries();
    for (const [k, vs] of Object.entries(q)) {
      if (!PARAMS.has(k)) throw new ValidationError(`unknown parameter "${k.slice(0, 40)}"; use ${[...PARAMS].join(", ")}`);
      if (vs.length > 1) throw new ValidationError(`${k} given more than once`);
    }
    const one = (k: string) => q[k]?.[0];
    const where: NonNullable<Parameters<typeof prisma.auditLog.findMany>[0]>["where"] & object = {};
    const application = one("application");
    if (application !== undefined) {
      if (!ID.test(application)) throw new ValidationError("application must be an application id");
      Object.assign(where, { subjectType: "Application", subjectId: application });
    }
    const person = one("person");
    if (person !== undefined) {
      if (!ID.test(person)) throw new ValidationError("person must be a person id");
      where.actorId = person;
    }
    const action = one("action");
    if (action !== undefined) {
      if (!ACTION.test(action)) throw new ValidationError('action must be like "approval.approve", "approval.*" or "*.refused"');
      // "*.refused" also finds "application.head_confirm_refused": a suffix after "." or "_".
      if (action.startsWith("*.")) where.OR = [{ action: { endsWith: action.slice(1) } }, { action: { endsWith: `_${action.slice(2)}` } }];
      else where.action = action.endsWith(".*") ? { startsWith: action.slice(0, -1) } : action;
    }
    const from = one("from") !== undefined ? time("from", one("from")!) : undefined;
    const to = one("to") !== undefined ? time("to", one("to")!) : undefined;
    if (from && to && from > to) throw new ValidationError("from must not be after to");
    if (from || to) where.at = { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) };
    const limit = one("limit") !== undefined ? positiveInt("limit", one("limit")!, 1000) : 100;
    if (one("before") !== undefined) where.id = { lt: positiveInt("before", one("before")!, 2_000_000_000) };

    const rows = await prisma.auditLog.findMany({ where, orderBy: { id: "desc" }, take: limit });
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => id !== null))];
    const people = actorIds.length ? await prisma.person.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } }) : [];
    const names = new Map(people.map((p) => [p.id, p.name]));
    return c.json({
      entries: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { id: r.actorId, name: r.actorId ? (names.get(r.actorId) ?? null) : null, role: r.actorRole },
        channel: r.channel,
        action: r.action,
        subject: { type: r.subjectType, id: r.subjectId },
        detail: parseDetail(r.detailJson),
        prevHash: r.prevHash,
        hash: r.hash,
      })),
      // Pass as before= for the next (older) page; null when this page is the last.
      nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null,
    });
  });

  return app;
}
