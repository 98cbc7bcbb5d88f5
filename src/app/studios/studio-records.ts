import { rosterCompliance, type ManagerFacts, type RosterCompliance, type RosterMember, type Side, type Employment } from "../../domain/studio/roster.ts";
import { createDirectory, type Recipient } from "../../storage/directory.ts";
import type { Tx } from "../../storage/database.ts";

// Reading studios: by id or number, their active members and roster compliance, and whom to tell
// (the studio's manager, its city IP officer). Every function takes the client or a transaction.

/** Who acts, for the audit log: a person in chat, or the admin API (personId null). */
export interface StudioActor {
  personId: string | null;
  role?: string | null;
  channel: string;
}

export type StudioRow = NonNullable<Awaited<ReturnType<Tx["studio"]["findUnique"]>>>;

/** The studio's number works wherever its id does (ZSIPS-2026-007 or the cuid). */
export function findStudio(db: Tx, idOrNumber: string): Promise<StudioRow | null> {
  return db.studio.findFirst({ where: { OR: [{ id: idOrNumber }, { number: idOrNumber }] } });
}

const memberInclude = { person: { select: { id: true, name: true, education: true } }, agency: { select: { id: true, name: true } } } as const;

/** Active members (leftAt null), oldest first, with the person's name and education. */
export function activeMembers(db: Tx, studioId: string) {
  return db.studioMember.findMany({ where: { studioId, leftAt: null }, include: memberInclude, orderBy: { joinedAt: "asc" } });
}
export type ActiveMember = Awaited<ReturnType<typeof activeMembers>>[number];

export function managerFactsOf(m: { managerInManagement: boolean | null; managerTechMgmtExperience: boolean | null; managerIpKnowledge: boolean | null }): ManagerFacts {
  return { inManagement: m.managerInManagement, techMgmtExperience: m.managerTechMgmtExperience, ipKnowledge: m.managerIpKnowledge };
}

export function toRosterMember(m: ActiveMember): RosterMember {
  return { side: m.side as Side, employment: m.employment as Employment, education: m.person.education, isManager: m.isManager, managerFacts: managerFactsOf(m), leftAt: m.leftAt };
}

/** 6.4 a–c for one studio, from its active members. */
export async function studioCompliance(db: Tx, studioId: string): Promise<RosterCompliance> {
  return rosterCompliance((await activeMembers(db, studioId)).map(toRosterMember));
}

/**
 * Who confirms set-up and hears of the roster: the studio's CITY_IP members; a studio with none
 * yet falls back to every CITY_IP_OFFICER (so nothing waits on a seat nobody holds).
 */
export async function studioCityIpOfficers(db: Tx, studioId: string): Promise<string[]> {
  const members = await db.studioMember.findMany({ where: { studioId, side: "CITY_IP", leftAt: null, person: { roles: { some: { role: "CITY_IP_OFFICER", revokedAt: null } } } }, select: { personId: true } });
  if (members.length > 0) return [...new Set(members.map((m) => m.personId))];
  const grants = await db.roleGrant.findMany({ where: { role: "CITY_IP_OFFICER", revokedAt: null }, select: { personId: true } });
  return [...new Set(grants.map((g) => g.personId))];
}

/**
 * The studio's manager (6.4 b); until one is designated, its full-time enterprise members; with
 * none, the enterprise's ENTERPRISE_MANAGERs (someone on the enterprise side always hears).
 */
export async function studioManagers(db: Tx, studioId: string): Promise<string[]> {
  const enterprise = await db.studioMember.findMany({ where: { studioId, side: "ENTERPRISE", leftAt: null }, select: { personId: true, isManager: true, employment: true } });
  const managers = enterprise.filter((m) => m.isManager);
  const chosen = managers.length > 0 ? managers : enterprise.filter((m) => m.employment === "FULL_TIME");
  if (chosen.length > 0) return [...new Set(chosen.map((m) => m.personId))];
  const studio = await db.studio.findUnique({ where: { id: studioId }, select: { enterpriseId: true } });
  const grants = studio ? await db.roleGrant.findMany({ where: { role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, revokedAt: null }, select: { personId: true } }) : [];
  return [...new Set(grants.map((g) => g.personId))];
}

/** Every channel identity of these people. */
export async function recipientsOfPeople(db: Tx, personIds: string[]): Promise<Recipient[]> {
  const directory = createDirectory(db);
  const out: Recipient[] = [];
  for (const id of personIds) out.push(...(await directory.recipientsOf(id))); // one query at a time on a transaction
  return out;
}
