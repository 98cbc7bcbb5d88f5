// GET /applications/:id/print?t=<token>: the filled, decided Table A.1 as print-ready HTML (A.1).
// The token (src/app/link-signer.ts) is signed for this application and names one reader; that
// reader's roles are re-checked on every request, so a revoked officer loses access.
import { Hono } from "hono";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import type { RoleGrantView } from "../../domain/roles.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { createDirectory } from "../../storage/directory.ts";
import { wasAskedToConfirm } from "../../storage/head-confirmations.ts";
import type { AppDeps } from "../deps.ts";
import type { LinkSigner } from "../link-signer.ts";
import { renderApplicationPrint } from "../print/application-print.tsx";
import { newNonce, setPageHeaders } from "./page-security.ts";
import { refusalBudget } from "./refusal-budget.ts";

export interface PrintRouteDeps extends Pick<AppDeps, "config" | "db" | "logger" | "clock"> {
  /** The signer that made the links (runtime.domain.linkSigner). */
  linkSigner: Pick<LinkSigner, "verify">;
}

/**
 * Who may read an application's form: its applicant, its head (A.1 负责人签名: the enterprise's
 * registered head, whoever confirmed it, or was asked to), or an officer (stage-1 officers of its town only).
 */
export function mayReadApplication(person: { id: string; roles: RoleGrantView[] }, app: { applicantId: string; townId: string; enterpriseId?: string | null; headConfirmedById?: string | null }, askedAsHead = false): boolean {
  if (person.id === app.applicantId || person.id === app.headConfirmedById || askedAsHead) return true;
  if (app.enterpriseId && person.roles.some((r) => r.role === "ENTERPRISE_HEAD" && r.enterpriseId === app.enterpriseId)) return true;
  return person.roles.some((r) => r.role === "CITY_IP_OFFICER" || r.role === "CITY_LEADER" || r.role === "ADMIN" || (r.role === "TOWN_OFFICER" && r.townId === app.townId));
}

export function printRoutes(deps: PrintRouteDeps) {
  const { prisma } = deps.db;
  const signer = deps.linkSigner;
  const directory = createDirectory(prisma);
  const app = new Hono();
  const anonymousBudget = refusalBudget(deps.clock);

  /** Every refused read is audited; anonymous ones (no valid link) up to a budget. */
  async function refuse(id: string, reason: string, actorId: string | null, err: Error): Promise<never> {
    const slot = actorId ? { skippedBefore: 0 } : anonymousBudget.take();
    const subjectId = maskMobiles(id.slice(0, 128)); // the id is the caller's text until verified
    if (slot) {
      const detail = { reason, ...(slot.skippedBefore ? { unrecordedBefore: slot.skippedBefore } : {}) };
      await prisma.$transaction((tx) => appendAudit(tx, { at: deps.clock.now(), action: "print.refused", subjectType: "Application", subjectId, actorId, channel: "print-link", detail }));
    } else if (anonymousBudget.firstSkipped) deps.logger.warn({ applicationId: subjectId }, "print refusals over the audit budget this minute: logged, not audited");
    throw err;
  }

  app.get("/applications/:id/print", async (c) => {
    const id = c.req.param("id");
    const token = c.req.query("t");
    // Order: 401 before 404, so an unauthenticated caller learns nothing about which ids exist.
    const personId = token ? signer.verify(`print:${id}`, token) : null;
    if (!personId) return refuse(id, token ? "invalid_or_expired_link" : "no_link", null, new UnauthenticatedError("打印链接无效或已过期，请从审批卡片重新打开"));
    const row = await prisma.application.findUnique({ where: { id }, include: { town: true, steps: { orderBy: [{ round: "asc" }, { stage: "asc" }] } } });
    if (!row) throw new NotFoundError("没有这份申请");
    const person = await directory.get(personId);
    if (!person || !mayReadApplication(person, row, await wasAskedToConfirm(prisma, id, person.id))) return refuse(id, person ? "reader_not_allowed" : "reader_unknown", personId, new ForbiddenError("您无权查看这份申请表"));

    const nameOf = async (pid: string | null) => (pid ? ((await prisma.person.findUnique({ where: { id: pid }, select: { name: true } }))?.name ?? null) : null);
    const nonce = newNonce();
    const html = renderApplicationPrint({
      app: row,
      townName: row.town.name,
      steps: row.steps,
      headConfirmedByName: await nameOf(row.headConfirmedById),
      applicantName: await nameOf(row.applicantId),
      timeZone: deps.config.timeZone,
      printedAt: deps.clock.now(),
      nonce,
    });
    // Ids only: the page carries full mobile numbers, the log never does.
    deps.logger.info({ applicationId: id, personId }, "application print view");
    c.header("Content-Type", "text/html; charset=utf-8");
    setPageHeaders(c, nonce, "form-action 'none'");
    return c.body(html, 200);
  });

  return app;
}
