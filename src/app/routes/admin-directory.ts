import { Hono } from "hono";
import { z } from "zod";
import { channelNames } from "../../channels/registry.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { ROLES } from "../../domain/roles.ts";
import { townLabelClash } from "../../domain/towns.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { jsonBody } from "./json-body.ts";
import type { AppDeps } from "../deps.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { requireAdmin } from "./admin-auth.ts";

// The directory an ADMIN keeps (SPEC "Who is who"): people, how to reach them, their roles, and
// the editable list of towns. Role grants are revoked, never deleted; every change is audited.

const Identity = z.strictObject({ channel: z.string().refine((c) => channelNames().includes(c), { message: `must be one of ${channelNames().join(", ")}` }), externalId: z.string().trim().min(1).max(128) });
const Grant = z
  .strictObject({ role: z.enum(ROLES), townId: z.string().optional(), enterpriseId: z.string().optional(), agencyId: z.string().optional() })
  .refine((g) => g.role !== "TOWN_OFFICER" || g.townId, { message: "TOWN_OFFICER needs townId", path: ["townId"] })
  .refine((g) => !["ENTERPRISE_MANAGER", "ENTERPRISE_HEAD"].includes(g.role) || g.enterpriseId, { message: "enterprise roles need enterpriseId", path: ["enterpriseId"] })
  .refine((g) => g.role !== "AGENCY_STAFF" || g.agencyId, { message: "AGENCY_STAFF needs agencyId", path: ["agencyId"] });
const NewPerson = z.strictObject({
  name: z.string().trim().min(1).max(60),
  mobile: z.string().regex(/^1[3-9]\d{9}$/, "mainland mobile, 11 digits").optional(),
  title: z.string().trim().max(60).optional(),
  education: z.enum(["college", "bachelor", "master", "doctor", "other"]).optional(),
  identities: z.array(Identity).default([]),
  roles: z.array(Grant).default([]),
});
// A label is matched as a substring of addresses: an empty one would match every address.
const TownLabel = z.string().trim().min(1).max(40);
const TownPatch = z.strictObject({ name: TownLabel.optional(), active: z.boolean().optional(), aliases: z.array(TownLabel).max(50).optional(), sortOrder: z.number().int().min(-1_000_000).max(1_000_000).optional() });
const NewTown = z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/), name: TownLabel, kind: z.enum(["街道", "镇"]), aliases: z.array(TownLabel).max(50).default([]) });

function parseAliases(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function conflictOnUnique<T>(p: Promise<T>, what: string): Promise<T> {
  return p.catch((err) => {
    if ((err as { code?: string }).code === "P2002") throw new ConflictError(`${what} already exists`);
    throw err;
  });
}

export function adminDirectoryRoutes(deps: Pick<AppDeps, "config" | "db" | "clock">) {
  const app = new Hono();
  const token = deps.config.adminToken;
  if (!token) return app;
  const prisma: PrismaClient = deps.db.prisma;
  app.use("/admin/*", requireAdmin(token));

  const audit = (action: string, subjectType: string, subjectId: string, detail: unknown) =>
    appendAudit(prisma, { action, subjectType, subjectId, actorRole: "ADMIN", channel: "admin-api", detail, at: deps.clock.now() });

  async function checkGrantTargets(grants: z.infer<typeof Grant>[]) {
    for (const g of grants) {
      if (g.townId && !(await prisma.town.findUnique({ where: { id: g.townId } }))) throw new ValidationError(`unknown townId ${g.townId}`);
      if (g.enterpriseId && !(await prisma.enterprise.findUnique({ where: { id: g.enterpriseId } }))) throw new ValidationError(`unknown enterpriseId ${g.enterpriseId}`);
      if (g.agencyId && !(await prisma.agency.findUnique({ where: { id: g.agencyId } }))) throw new ValidationError(`unknown agencyId ${g.agencyId}`);
    }
  }

  const personView = { identities: { select: { channel: true, externalId: true } }, roles: { where: { revokedAt: null }, select: { id: true, role: true, townId: true, enterpriseId: true, agencyId: true } } } as const;

  app.get("/admin/people", async (c) => {
    const role = c.req.query("role");
    const people = await prisma.person.findMany({ where: role ? { roles: { some: { role, revokedAt: null } } } : {}, include: personView, orderBy: { createdAt: "asc" }, take: 1000 });
    return c.json({ people });
  });

  app.post("/admin/people", async (c) => {
    const p = await jsonBody(c.req.raw, NewPerson);
    await checkGrantTargets(p.roles);
    const person = await conflictOnUnique(
      prisma.person.create({
        data: { name: p.name, mobile: p.mobile ?? null, title: p.title ?? null, education: p.education ?? null, identities: { create: p.identities }, roles: { create: p.roles.map((g) => ({ role: g.role, townId: g.townId ?? null, enterpriseId: g.enterpriseId ?? null, agencyId: g.agencyId ?? null })) } },
        include: personView,
      }),
      "channel identity",
    );
    await audit("directory.person_created", "Person", person.id, { roles: p.roles, identities: p.identities });
    return c.json(person, 201);
  });

  app.post("/admin/people/:id/identities", async (c) => {
    const i = await jsonBody(c.req.raw, Identity);
    const id = c.req.param("id");
    if (!(await prisma.person.findUnique({ where: { id } }))) throw new NotFoundError("no such person");
    const row = await conflictOnUnique(prisma.channelIdentity.create({ data: { personId: id, ...i } }), `identity ${i.channel}:${i.externalId}`);
    await audit("directory.identity_linked", "Person", id, i);
    return c.json(row, 201);
  });

  app.post("/admin/people/:id/roles", async (c) => {
    const g = await jsonBody(c.req.raw, Grant);
    const id = c.req.param("id");
    if (!(await prisma.person.findUnique({ where: { id } }))) throw new NotFoundError("no such person");
    await checkGrantTargets([g]);
    const row = await prisma.roleGrant.create({ data: { personId: id, role: g.role, townId: g.townId ?? null, enterpriseId: g.enterpriseId ?? null, agencyId: g.agencyId ?? null } });
    await audit("directory.role_granted", "Person", id, g);
    return c.json(row, 201);
  });

  app.delete("/admin/roles/:grantId", async (c) => {
    const id = c.req.param("grantId");
    const r = await prisma.roleGrant.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: deps.clock.now() } });
    if (r.count !== 1) throw new NotFoundError("no such active role grant");
    const g = await prisma.roleGrant.findUniqueOrThrow({ where: { id } });
    await audit("directory.role_revoked", "Person", g.personId, { grantId: id, role: g.role, townId: g.townId });
    return c.json({ id, revoked: true });
  });

  /** Refuses a name/alias another active town already answers to (address matching relies on it). */
  async function checkTownLabels(town: { id: string; name: string; aliases: string[]; active: boolean }) {
    if (!town.active) return;
    const others = (await prisma.town.findMany()).map((t) => ({ ...t, aliases: parseAliases(t.aliases) }));
    const clash = townLabelClash(town, others);
    if (clash) throw new ConflictError(`town name or alias "${clash.label}" is already used by town ${clash.townId} (${clash.townName}); names and aliases must be unique across active towns`);
  }

  app.get("/admin/towns", async (c) => c.json({ towns: (await prisma.town.findMany({ orderBy: { sortOrder: "asc" } })).map((t) => ({ ...t, aliases: JSON.parse(t.aliases) as string[] })) }));

  app.post("/admin/towns", async (c) => {
    const t = await jsonBody(c.req.raw, NewTown);
    await checkTownLabels({ ...t, active: true });
    const count = await prisma.town.count();
    const row = await conflictOnUnique(prisma.town.create({ data: { ...t, aliases: JSON.stringify(t.aliases), sortOrder: count } }), `town ${t.id} / ${t.name}`);
    await audit("directory.town_created", "Town", t.id, t);
    return c.json(row, 201);
  });

  // Towns have merged before (东升 into 小榄): deactivate, rename, add aliases.
  app.patch("/admin/towns/:id", async (c) => {
    const patch = await jsonBody(c.req.raw, TownPatch);
    const id = c.req.param("id");
    const current = await prisma.town.findUnique({ where: { id } });
    if (!current) throw new NotFoundError("no such town");
    await checkTownLabels({ id, name: patch.name ?? current.name, aliases: patch.aliases ?? parseAliases(current.aliases), active: patch.active ?? current.active });
    const row = await conflictOnUnique(prisma.town.update({ where: { id }, data: { ...patch, aliases: patch.aliases ? JSON.stringify(patch.aliases) : undefined } }), "town name");
    await audit("directory.town_updated", "Town", id, patch);
    return c.json(row);
  });

  return app;
}
