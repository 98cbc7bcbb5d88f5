// Small directory reads the survey and follow-up code needs.
import type { PrismaClient, Tx } from "./database.ts";

type Db = PrismaClient | Tx;

export async function adminIds(db: Db): Promise<string[]> {
  return [...new Set((await db.roleGrant.findMany({ where: { role: "ADMIN", revokedAt: null }, select: { personId: true } })).map((g) => g.personId))];
}

export async function personName(db: Db, id: string): Promise<string> {
  return (await db.person.findUnique({ where: { id }, select: { name: true } }))?.name ?? "";
}

/** The studio with this number (or id), for officers' commands. */
export function studioByNumber(db: Db, numberOrId: string) {
  return db.studio.findFirst({ where: { OR: [{ number: numberOrId }, { id: numberOrId }] }, select: { id: true, number: true, status: true, enterprise: { select: { name: true, townId: true } } } });
}
