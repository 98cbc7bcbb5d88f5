import { ZHONGSHAN_TOWNS } from "../domain/towns.ts";
import type { PrismaClient } from "./database.ts";
import { DEMO_AGENCY, DEMO_ENTERPRISES, DEMO_PEOPLE } from "./demo-directory.ts";

/** Adds any missing town; never overwrites an admin's edits to existing rows. */
export async function seedTowns(prisma: PrismaClient): Promise<number> {
  const existing = new Set((await prisma.town.findMany({ select: { id: true } })).map((t) => t.id));
  const missing = ZHONGSHAN_TOWNS.map((t, i) => ({ ...t, sortOrder: i })).filter((t) => !existing.has(t.id));
  for (const t of missing) {
    await prisma.town.create({ data: { id: t.id, name: t.name, kind: t.kind, aliases: JSON.stringify(t.aliases), sortOrder: t.sortOrder } });
  }
  return missing.length;
}

/**
 * The demo directory goes only into an empty directory (no people yet), so it never mixes
 * with real data. The caller decides about production; see seedDatabase.
 */
export async function seedDemo(prisma: PrismaClient): Promise<boolean> {
  if ((await prisma.person.count()) > 0) return false;
  await prisma.$transaction([
    prisma.agency.create({ data: DEMO_AGENCY }),
    ...DEMO_ENTERPRISES.map((e) => prisma.enterprise.create({ data: { ...e } })),
    ...DEMO_PEOPLE.map((p) =>
      prisma.person.create({
        data: {
          id: p.id,
          name: p.name,
          title: p.title,
          mobile: p.mobile,
          education: p.education ?? null,
          identities: { create: [{ channel: "web", externalId: p.id, displayName: p.name }] },
          roles: { create: p.roles.map((r) => ({ role: r.role, townId: r.townId ?? null, enterpriseId: r.enterpriseId ?? null, agencyId: r.agencyId ?? null })) },
        },
      }),
    ),
  ]);
  return true;
}

export async function seedDatabase(prisma: PrismaClient, opts: { production: boolean }): Promise<{ towns: number; demo: boolean }> {
  const towns = await seedTowns(prisma);
  const demo = opts.production ? false : await seedDemo(prisma);
  return { towns, demo };
}
