import { ForbiddenError, UnauthenticatedError } from "../../domain/errors.ts";
import type { Config } from "../../config/config.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { maskMobiles } from "../../domain/mask.ts";
import type { Logger } from "../../log/logger.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Clock } from "../deps.ts";
import { refusalBudget } from "../routes/refusal-budget.ts";
import { sameSecret } from "../same-secret.ts";

export const SIM_COOKIE = "ipstudio_sim";
export const SESSION_SECONDS = 12 * 3600;
/** lastSeenAt is refreshed at most this often, not on every request. */
const SEEN_EVERY_MS = 60_000;

// The simulator's admin gate (production only): random, server-side, revocable sessions. The
// cookie holds a random token; the database holds only its sha256 (AdminSession.id).

const enc = new TextEncoder();

async function digestHex(token: string): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(token)));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

function randomToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createAdminSessions(prisma: PrismaClient, now: () => Date) {
  return {
    /** A new session: the token goes in the cookie, never into the database. */
    async create(): Promise<{ token: string; id: string; expiresAt: Date }> {
      const token = randomToken();
      const id = await digestHex(token);
      const at = now();
      const expiresAt = new Date(at.getTime() + SESSION_SECONDS * 1000);
      // Expired sessions are useless; drop them as new ones come.
      await prisma.adminSession.deleteMany({ where: { expiresAt: { lt: new Date(at.getTime() - 86_400_000) } } });
      await prisma.adminSession.create({ data: { id, createdAt: at, expiresAt, lastSeenAt: at } });
      return { token, id, expiresAt };
    },
    /** The session id when the token names a live session, else null. */
    async verify(token: string): Promise<string | null> {
      if (!TOKEN_SHAPE.test(token)) return null;
      const id = await digestHex(token);
      // Looked up by digest, so lookup timing says nothing about the token; the constant-time
      // compare keeps a loosely matching lookup (collation, prefix) from ever passing.
      const row = await prisma.adminSession.findUnique({ where: { id } });
      if (!row || !(await sameSecret(row.id, id))) return null;
      const at = now();
      if (row.revokedAt || row.expiresAt.getTime() <= at.getTime()) return null;
      if (!row.lastSeenAt || at.getTime() - row.lastSeenAt.getTime() > SEEN_EVERY_MS) {
        await prisma.adminSession.updateMany({ where: { id }, data: { lastSeenAt: at } });
      }
      return id;
    },
    /** Sign-out: the session stops working at once, wherever its cookie is. */
    async revoke(token: string): Promise<boolean> {
      if (!TOKEN_SHAPE.test(token)) return false;
      const r = await prisma.adminSession.updateMany({ where: { id: await digestHex(token), revokedAt: null }, data: { revokedAt: now() } });
      return r.count === 1;
    },
  };
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;

export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/**
 * Production gate for the simulator and for POST /webhooks/web (passed to the web adapter as
 * `authorize`, so the channel is gated wherever it is mounted). Missing cookie → 401; unknown,
 * expired or revoked session → 403. Resolves to the session id, which the web channel carries on
 * its events so the audit log names the admin acting as a persona. Development: open (undefined).
 */
export function simulatorAuthorizer(
  config: Pick<Config, "env" | "adminToken">,
  sessions: AdminSessions,
  /** Records a refusal (the audit log), before the 401/403 is answered. */
  onRefused?: (req: Request, reason: "no_session" | "invalid_session") => Promise<void>,
): ((req: Request) => Promise<string>) | undefined {
  if (config.env !== "production") return undefined;
  return async (req) => {
    const got = cookieOf(req, SIM_COOKIE);
    if (!got) {
      await onRefused?.(req, "no_session");
      throw new UnauthenticatedError("simulator: admin sign-in required");
    }
    // No token configured (config refuses that when the simulator is on): fail closed.
    const id = config.adminToken ? await sessions.verify(got) : null;
    if (!id) {
      await onRefused?.(req, "invalid_session");
      throw new ForbiddenError("simulator: admin session is not valid");
    }
    return id;
  };
}

/**
 * Audits the simulator gate's refusals as `simulator.refused` (method, path, reason; never the
 * cookie), up to a budget per minute so an anonymous flood cannot grow the audit log unbounded.
 */
export function simulatorRefusalAuditor(deps: { prisma: PrismaClient; clock: Clock; logger: Logger }) {
  const budget = refusalBudget(deps.clock);
  return async (req: Request, reason: "no_session" | "invalid_session"): Promise<void> => {
    const path = maskMobiles(new URL(req.url).pathname.slice(0, 200));
    const slot = budget.take();
    if (!slot) {
      if (budget.firstSkipped) deps.logger.warn({ path }, "simulator refusals over the audit budget this minute: logged, not audited");
      return;
    }
    const detail = { reason, method: req.method, path, ...(slot.skippedBefore ? { unrecordedBefore: slot.skippedBefore } : {}) };
    await deps.prisma.$transaction((tx) => appendAudit(tx, { at: deps.clock.now(), action: "simulator.refused", subjectType: "Simulator", subjectId: path, channel: "web", detail }));
  };
}
