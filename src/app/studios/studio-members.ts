import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { seatRefusal, SIDE_LABELS, type Education, type Employment, type ManagerFacts, type SeatRefusal, type Side } from "../../domain/studio/roster.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { Tx } from "../../storage/database.ts";
import { findStudio, type StudioActor } from "./studio-records.ts";

// The roster of a studio (6.4 a): members from the four sides, added and removed by officers and
// admins, every change audited. A removal sets leftAt; rows are never deleted.

/** 6.4 c refused a seat: a 409 whose code says why. */
export class SeatRefusedError extends ConflictError {
  constructor(readonly refusal: SeatRefusal) {
    super(refusal.text, { code: refusal.code });
  }
}

export interface AddMemberInput {
  /** Id or number. */
  studio: string;
  personId: string;
  side: Side;
  employment: Employment;
  /** Agency staff: which agency (default: the one of the person's AGENCY_STAFF grant). */
  agencyId?: string | null;
  /** Recorded on the person when given (6.4 c). */
  education?: Education | null;
  /** Enterprise side only: designates the studio's manager with the three facts (6.4 b). */
  managerFacts?: ManagerFacts | null;
}

export type MemberRow = NonNullable<Awaited<ReturnType<Tx["studioMember"]["findUnique"]>>>;

async function studioOrThrow(tx: Tx, idOrNumber: string) {
  const studio = await findStudio(tx, idOrNumber);
  if (!studio) throw new NotFoundError("no such studio");
  if (studio.status === "CLOSED") throw new ConflictError(`studio ${studio.number} is closed`);
  return studio;
}

/** The side's role must be held (a town officer of the enterprise's town, staff of the agency). */
async function checkSide(tx: Tx, input: AddMemberInput, enterpriseId: string): Promise<string | null> {
  const grants = await tx.roleGrant.findMany({ where: { personId: input.personId, revokedAt: null } });
  const has = (role: string, match: (g: (typeof grants)[number]) => boolean = () => true) => grants.some((g) => g.role === role && match(g));
  if (input.side === "CITY_IP" && !has("CITY_IP_OFFICER")) throw new ConflictError(`${SIDE_LABELS.CITY_IP}成员须有 CITY_IP_OFFICER 角色：请先授予角色`);
  if (input.side === "TOWN") {
    const ent = await tx.enterprise.findUnique({ where: { id: enterpriseId }, select: { townId: true } });
    if (!has("TOWN_OFFICER", (g) => !ent?.townId || g.townId === ent.townId)) throw new ConflictError(`${SIDE_LABELS.TOWN}成员须为企业所在镇街的 TOWN_OFFICER：请先授予角色`);
  }
  if (input.side !== "AGENCY") {
    if (input.agencyId) throw new ValidationError("agencyId: only for side AGENCY");
    return null;
  }
  if (input.agencyId && !(await tx.agency.findUnique({ where: { id: input.agencyId } }))) throw new ValidationError(`unknown agencyId ${input.agencyId}`);
  const staffOf = [...new Set(grants.filter((g) => g.role === "AGENCY_STAFF" && g.agencyId).map((g) => g.agencyId!))];
  if (staffOf.length === 0) throw new ConflictError(`${SIDE_LABELS.AGENCY}成员须有 AGENCY_STAFF 角色：请先授予角色`);
  if (input.agencyId && !staffOf.includes(input.agencyId)) throw new ConflictError("the person is not staff of that agency");
  if (!input.agencyId && staffOf.length > 1) throw new ValidationError("agencyId: the person is staff of several agencies, name one");
  return input.agencyId ?? staffOf[0]!;
}

function managerData(facts: ManagerFacts, now: Date) {
  return { isManager: true, managerInManagement: facts.inManagement, managerTechMgmtExperience: facts.techMgmtExperience, managerIpKnowledge: facts.ipKnowledge, managerFactsAt: now };
}

/**
 * Adds a member (6.4 a). Refuses a full-time agency seat below bachelor's (6.4 c, SeatRefusedError);
 * with managerFacts (enterprise side) designates the manager (6.4 b), also for an existing member.
 * Returns the member and whether it was created.
 */
export async function addMember(tx: Tx, input: AddMemberInput, actor: StudioActor, now: Date): Promise<{ member: MemberRow; created: boolean }> {
  const studio = await studioOrThrow(tx, input.studio);
  const person = await tx.person.findUnique({ where: { id: input.personId } });
  if (!person) throw new ValidationError(`unknown personId ${input.personId}`);
  if (input.managerFacts && input.side !== "ENTERPRISE") throw new ValidationError("managerFacts: only for side ENTERPRISE (6.4 b)");
  if (input.managerFacts && input.employment !== "FULL_TIME") throw new ValidationError("employment: the studio manager is full-time (6.4 a)");
  const current = await tx.studioMember.findFirst({ where: { studioId: studio.id, personId: input.personId, leftAt: null } });
  if (current) {
    if (input.managerFacts && current.side === "ENTERPRISE") return { member: await designateManager(tx, { studio: studio.id, personId: input.personId, facts: input.managerFacts }, actor, now), created: false };
    throw new ConflictError(`already a member of studio ${studio.number} (${SIDE_LABELS[current.side as Side] ?? current.side})`);
  }
  const agencyId = await checkSide(tx, input, studio.enterpriseId);
  const education = input.education ?? person.education;
  const refusal = seatRefusal({ side: input.side, employment: input.employment, education });
  if (refusal) throw new SeatRefusedError(refusal);
  if (input.education && input.education !== person.education) await tx.person.update({ where: { id: person.id }, data: { education: input.education } });
  const member = await tx.studioMember.create({ data: { studioId: studio.id, personId: person.id, side: input.side, employment: input.employment, agencyId, joinedAt: now, addedById: actor.personId } });
  await appendAudit(tx, { at: now, action: "studio.member_added", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { memberId: member.id, personId: person.id, side: input.side, employment: input.employment, agencyId, education: input.education ?? undefined } });
  if (input.managerFacts) return { member: await designateManager(tx, { studio: studio.id, personId: person.id, facts: input.managerFacts }, actor, now), created: true };
  return { member, created: true };
}

/** Removes a member: sets leftAt (the row stays, with who removed it). */
export async function removeMember(tx: Tx, input: { studio: string; memberId: string }, actor: StudioActor, now: Date): Promise<MemberRow> {
  const studio = await findStudio(tx, input.studio);
  if (!studio) throw new NotFoundError("no such studio");
  const member = await tx.studioMember.findFirst({ where: { id: input.memberId, studioId: studio.id } });
  if (!member) throw new NotFoundError("no such member of this studio");
  const r = await tx.studioMember.updateMany({ where: { id: member.id, leftAt: null }, data: { leftAt: now, removedById: actor.personId } });
  if (r.count !== 1) throw new ConflictError(`member already removed on ${member.leftAt?.toISOString().slice(0, 10) ?? "an earlier request"}`);
  await appendAudit(tx, { at: now, action: "studio.member_removed", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { memberId: member.id, personId: member.personId, side: member.side, employment: member.employment } });
  return tx.studioMember.findUniqueOrThrow({ where: { id: member.id } });
}

/**
 * 6.4 b: the enterprise names its studio manager and states the three facts. The person becomes
 * (or stays) a full-time enterprise member and the only manager; they get ENTERPRISE_MANAGER for
 * the enterprise. Facts that are false are recorded: the roster then names them as not met.
 */
export async function designateManager(tx: Tx, input: { studio: string; personId: string; facts: ManagerFacts }, actor: StudioActor, now: Date): Promise<MemberRow> {
  const studio = await studioOrThrow(tx, input.studio);
  if (!(await tx.person.findUnique({ where: { id: input.personId }, select: { id: true } }))) throw new ValidationError(`unknown personId ${input.personId}`);
  const current = await tx.studioMember.findFirst({ where: { studioId: studio.id, personId: input.personId, leftAt: null } });
  if (current && current.side !== "ENTERPRISE") throw new ConflictError(`already a member of studio ${studio.number} for ${SIDE_LABELS[current.side as Side] ?? current.side}`);
  await tx.studioMember.updateMany({ where: { studioId: studio.id, isManager: true, leftAt: null, NOT: { personId: input.personId } }, data: { isManager: false } });
  const data = { ...managerData(input.facts, now), employment: "FULL_TIME" };
  const member = current
    ? await tx.studioMember.update({ where: { id: current.id }, data })
    : await tx.studioMember.create({ data: { studioId: studio.id, personId: input.personId, side: "ENTERPRISE", joinedAt: now, addedById: actor.personId, ...data } });
  const granted = await tx.roleGrant.findFirst({ where: { personId: input.personId, role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, revokedAt: null } });
  if (!granted) await tx.roleGrant.create({ data: { personId: input.personId, role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, grantedAt: now } });
  await appendAudit(tx, { at: now, action: "studio.manager_designated", subjectType: "Studio", subjectId: studio.id, actorId: actor.personId, actorRole: actor.role ?? null, channel: actor.channel, detail: { memberId: member.id, personId: input.personId, facts: input.facts } });
  return member;
}
