// A.1 负责人签名: who the enterprise's head is (the directory's ENTERPRISE_HEAD, or the person with
// the mobile typed on the form), the head's confirmation cards, and what the directory already
// knows about a manager's enterprise (so the form does not ask it again).
import type { PrismaClient, Tx } from "./database.ts";

type Db = PrismaClient | Tx;

export const HEAD_CARD = "head-confirm";
export const DECLARE_CARD = "declare-authority";
export const headCardPurpose = (applicationId: string) => `${HEAD_CARD}:${applicationId}`;

export interface HeadPerson {
  id: string;
  name: string;
  identities: { channel: string; externalId: string }[];
}

/**
 * The heads to ask: the enterprise's registered heads (ENTERPRISE_HEAD of that enterprise) first,
 * then whoever has the mobile typed on the form; only people reachable on some channel.
 */
export async function findHeads(db: Db, app: { enterpriseId: string | null; headMobile: string }): Promise<HeadPerson[]> {
  const include = { identities: { select: { channel: true, externalId: true } } } as const;
  const registered = app.enterpriseId
    ? (await db.roleGrant.findMany({ where: { role: "ENTERPRISE_HEAD", enterpriseId: app.enterpriseId, revokedAt: null }, include: { person: { include } } })).map((g) => g.person)
    : [];
  const byMobile = app.headMobile ? await db.person.findMany({ where: { mobile: app.headMobile }, include }) : [];
  const seen = new Set<string>();
  return [...registered, ...byMobile].filter((p) => p.identities.length > 0 && !seen.has(p.id) && seen.add(p.id)).map((p) => ({ id: p.id, name: p.name, identities: p.identities }));
}

/** Head cards of an application still open (not answered, not replaced). */
export function openHeadCards(db: Db, applicationId: string) {
  return db.sentCard.findMany({ where: { purpose: headCardPurpose(applicationId), finalText: null } });
}

/** Whether the person was asked to confirm this application (a head card went to them). */
export async function wasAskedToConfirm(db: Db, applicationId: string, personId: string): Promise<boolean> {
  return (await db.sentCard.count({ where: { purpose: headCardPurpose(applicationId), personId } })) > 0;
}

/**
 * The person's application waiting for its head: a draft (HEAD_IN_CHAT, or DECLARED_AUTHORITY
 * until the declaration is confirmed), or a returned one whose
 * revision waits for the head's confirmation again (open head cards).
 */
export async function applicationAwaitingHead(db: Db, applicantId: string) {
  const draft = await db.application.findFirst({ where: { applicantId, status: "DRAFT", headConfirmation: { in: ["HEAD_IN_CHAT", "DECLARED_AUTHORITY"] } }, orderBy: { createdAt: "desc" } });
  if (draft) return draft;
  const returned = await db.application.findMany({ where: { applicantId, status: "RETURNED" }, orderBy: { updatedAt: "desc" }, take: 5 });
  if (returned.length === 0) return null;
  // One query for the open head cards of all of them, then the most recent one that has any.
  const open = await db.sentCard.findMany({ where: { purpose: { in: returned.map((a) => headCardPurpose(a.id)) }, finalText: null }, select: { purpose: true } });
  const asked = new Set(open.map((c) => c.purpose));
  return returned.find((a) => asked.has(headCardPurpose(a.id))) ?? null;
}

/** The declaration prompt shown to this applicant for this application, if any. */
export function declarationPrompt(db: Db, applicationId: string, personId: string) {
  return db.sentCard.findFirst({ where: { purpose: `${DECLARE_CARD}:${applicationId}`, personId, finalText: null }, orderBy: { createdAt: "desc" } });
}

/** What the directory knows about the enterprise a manager applies for (registered by an admin), or a withdrawn application to start from. */
export interface KnownEnterprise {
  enterpriseId: string | null;
  enterpriseName: string;
  uscc: string | null;
  registeredAddress: string | null;
  townId: string | null;
  head: { name: string; title: string | null; mobile: string | null } | null;
  /** The answers of this person's latest returned-then-withdrawn application, to start from. */
  withdrawnAnswers: Record<string, unknown> | null;
}

export async function knownEnterprise(db: Db, personId: string): Promise<KnownEnterprise | null> {
  // A returned application the applicant then withdrew: its answers are the best start.
  const withdrawn = await db.application.findFirst({ where: { applicantId: personId, status: "WITHDRAWN", steps: { some: { status: "RETURNED" } } }, orderBy: { updatedAt: "desc" } });
  const later = withdrawn ? await db.application.count({ where: { applicantId: personId, createdAt: { gt: withdrawn.createdAt } } }) : 0;
  const withdrawnAnswers = withdrawn && later === 0 ? (JSON.parse(withdrawn.answersJson) as Record<string, unknown>) : null;
  // The enterprise an admin registered this person as manager of.
  const grant = await db.roleGrant.findFirst({ where: { personId, role: "ENTERPRISE_MANAGER", revokedAt: null, enterpriseId: { not: null } }, include: { enterprise: true }, orderBy: { grantedAt: "desc" } });
  const e = grant?.enterprise ?? null;
  if (!e && !withdrawn) return null;
  const headGrant = e ? await db.roleGrant.findFirst({ where: { role: "ENTERPRISE_HEAD", enterpriseId: e.id, revokedAt: null }, include: { person: true }, orderBy: { grantedAt: "asc" } }) : null;
  return {
    enterpriseId: e?.id ?? withdrawn?.enterpriseId ?? null,
    enterpriseName: e?.name ?? withdrawn!.enterpriseName,
    uscc: e?.uscc ?? null,
    registeredAddress: e?.registeredAddress ?? null,
    townId: e?.townId ?? null,
    head: headGrant ? { name: headGrant.person.name, title: headGrant.person.title, mobile: headGrant.person.mobile } : null,
    withdrawnAnswers,
  };
}
