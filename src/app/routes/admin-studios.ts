import { Hono } from "hono";
import { z } from "zod";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { EDUCATIONS, EMPLOYMENTS, rosterCompliance, SIDES, type RosterCompliance, type Side } from "../../domain/studio/roster.ts";
import { STUDIO_STATUSES } from "../../domain/studio/studio-setup.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { jsonBody } from "./json-body.ts";
import type { AppDeps } from "../deps.ts";
import { addMember, removeMember, SeatRefusedError } from "../studios/studio-members.ts";
import { findStudio, managerFactsOf, toRosterMember, type StudioActor } from "../studios/studio-records.ts";
import { requireAdmin } from "./admin-auth.ts";

// Agencies and studio rosters for administrators (6.4): Bearer ADMIN_TOKEN, absent without it.
// A studio is addressed by its id or its number; every change is audited.

const ADMIN: StudioActor = { personId: null, role: "ADMIN", channel: "admin-api" };
const NewAgency = z.strictObject({ name: z.string().trim().min(2).max(100), uscc: z.string().trim().regex(/^[0-9A-HJ-NP-RTUWXY]{18}$/i, "18-character unified social credit code").optional() });
const ManagerFacts = z.strictObject({ inManagement: z.boolean(), techMgmtExperience: z.boolean(), ipKnowledge: z.boolean() });
const NewMember = z.strictObject({
  personId: z.string().trim().min(1).max(64),
  side: z.enum(SIDES),
  employment: z.enum(EMPLOYMENTS),
  agencyId: z.string().trim().min(1).max(64).optional(),
  education: z.enum(EDUCATIONS).optional(),
  managerFacts: ManagerFacts.optional(),
});

const complianceView = (c: RosterCompliance) => ({ ok: c.ok, missing: c.missing.map(({ text: _text, ...code }) => code) });

export function adminStudioRoutes(deps: Pick<AppDeps, "config" | "db" | "clock">) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const { prisma } = deps.db;
  app.use("/admin/*", requireAdmin(token));

  app.get("/admin/agencies", async (c) => {
    const agencies = await prisma.agency.findMany({ orderBy: { createdAt: "asc" }, take: 1000, include: { _count: { select: { staff: { where: { revokedAt: null } }, members: { where: { leftAt: null } } } } } });
    return c.json({ agencies: agencies.map(({ _count, ...a }) => ({ ...a, staff: _count.staff, studioSeats: _count.members })) });
  });

  app.post("/admin/agencies", async (c) => {
    const a = await jsonBody(c.req.raw, NewAgency, 16 * 1024);
    const now = deps.clock.now();
    const row = await prisma
      .$transaction(async (tx) => {
        const created = await tx.agency.create({ data: { name: a.name, uscc: a.uscc?.toUpperCase() ?? null, createdAt: now } });
        await appendAudit(tx, { at: now, action: "directory.agency_created", subjectType: "Agency", subjectId: created.id, actorRole: "ADMIN", channel: "admin-api", detail: { name: a.name } });
        return created;
      })
      .catch((err) => {
        if ((err as { code?: string }).code === "P2002") throw new ConflictError(`agency ${a.name} already exists`);
        throw err;
      });
    return c.json(row, 201);
  });

  const members = { where: { leftAt: null }, orderBy: { joinedAt: "asc" }, include: { person: { select: { id: true, name: true, education: true } }, agency: { select: { id: true, name: true } } } } as const;
  type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;
  const load = (id: string) => prisma.studio.findUnique({ where: { id }, include: { enterprise: { select: { id: true, name: true, townId: true, industry: true } }, members } });
  const memberView = (m: Loaded["members"][number]) => ({
    id: m.id,
    person: m.person,
    side: m.side,
    employment: m.employment,
    agency: m.agency,
    isManager: m.isManager,
    managerFacts: m.isManager ? managerFactsOf(m) : null,
    joinedAt: m.joinedAt,
  });
  const studioView = (s: Loaded) => ({
    id: s.id,
    number: s.number,
    status: s.status,
    approvedAt: s.approvedAt,
    enterprise: s.enterprise,
    members: [...s.members].sort((a, b) => SIDES.indexOf(a.side as Side) - SIDES.indexOf(b.side as Side)).map(memberView), // stable: side order, then joinedAt
    compliance: complianceView(rosterCompliance(s.members.map(toRosterMember))),
  });

  app.get("/admin/studios", async (c) => {
    const status = c.req.query("status");
    if (status !== undefined && !(STUDIO_STATUSES as readonly string[]).includes(status)) throw new ValidationError(`status must be one of ${STUDIO_STATUSES.join(", ")}`);
    const rows = await prisma.studio.findMany({ where: status ? { status } : {}, orderBy: { number: "asc" }, take: 1000, include: { enterprise: { select: { id: true, name: true, townId: true, industry: true } }, members } });
    return c.json({ studios: rows.map(studioView) });
  });

  const studioOr404 = async (idOrNumber: string) => {
    const s = await findStudio(prisma, idOrNumber);
    if (!s) throw new NotFoundError("no such studio");
    return s;
  };

  app.get("/admin/studios/:idOrNumber", async (c) => {
    const s = await studioOr404(c.req.param("idOrNumber"));
    const [loaded, setupItems, former] = [await load(s.id), await prisma.studioSetupItem.findMany({ where: { studioId: s.id } }), await prisma.studioMember.findMany({ where: { studioId: s.id, leftAt: { not: null } }, include: { person: { select: { id: true, name: true } } }, orderBy: { leftAt: "desc" } })];
    return c.json({
      ...studioView(loaded!),
      setup: { round: s.setupRound, submittedAt: s.setupSubmittedAt, confirmedAt: s.setupConfirmedAt, items: setupItems.map((i) => ({ item: i.item, note: i.note, photo: i.photoMediaId ? { channel: i.photoChannel, mediaId: i.photoMediaId, key: i.photoKey } : null, completedAt: i.completedAt, returnedAt: i.returnedAt, returnReason: i.returnReason, confirmedAt: i.confirmedAt })) },
      formerMembers: former.map((m) => ({ id: m.id, person: m.person, side: m.side, employment: m.employment, joinedAt: m.joinedAt, leftAt: m.leftAt })),
    });
  });

  app.post("/admin/studios/:idOrNumber/members", async (c) => {
    const m = await jsonBody(c.req.raw, NewMember, 16 * 1024);
    const studio = await studioOr404(c.req.param("idOrNumber"));
    const now = deps.clock.now();
    try {
      const r = await prisma.$transaction((tx) => addMember(tx, { studio: studio.id, ...m }, ADMIN, now));
      const loaded = (await load(studio.id))!;
      return c.json({ member: memberView(loaded.members.find((x) => x.id === r.member.id)!), compliance: complianceView(rosterCompliance(loaded.members.map(toRosterMember))) }, r.created ? 201 : 200);
    } catch (err) {
      // 6.4 c: say which rule refused the seat, as a code.
      if (err instanceof SeatRefusedError) return c.json({ error: "conflict", code: err.refusal.code, clause: err.refusal.clause, message: err.refusal.text }, 409);
      throw err;
    }
  });

  app.delete("/admin/studios/:idOrNumber/members/:memberId", async (c) => {
    const studio = await studioOr404(c.req.param("idOrNumber"));
    const now = deps.clock.now();
    const member = await prisma.$transaction((tx) => removeMember(tx, { studio: studio.id, memberId: c.req.param("memberId") }, ADMIN, now));
    const loaded = (await load(studio.id))!;
    return c.json({ id: member.id, leftAt: member.leftAt, compliance: complianceView(rosterCompliance(loaded.members.map(toRosterMember))) });
  });

  return app;
}
