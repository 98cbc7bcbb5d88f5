// The survey tables (8.1, 8.2) behind small functions: the app speaks in surveys, invitations,
// responses and follow-ups. Who was asked (SurveyInvitation) and what was answered
// (SurveyResponse) are never read in one query: no function here touches both.
import type { PrismaClient, Tx } from "./database.ts";

type Db = PrismaClient | Tx;

export interface ClosedService {
  id: string;
  studioId: string;
  enterpriseId: string;
  category: string;
  subItem: string | null;
  requestedById: string;
  closedById: string | null;
  closedAt: Date;
}

/** Closed services since `since` that no survey covers yet (8.1: each is surveyed once). */
export async function unsurveyedClosedServices(db: Db, since: Date, take = 500): Promise<ClosedService[]> {
  const rows = await db.serviceRequest.findMany({
    where: { status: "CLOSED", closedAt: { gte: since }, surveyedIn: null },
    select: { id: true, studioId: true, category: true, subItem: true, requestedById: true, closedById: true, closedAt: true, studio: { select: { enterpriseId: true } } },
    orderBy: { closedAt: "asc" },
    take,
  });
  return rows.map(({ studio, closedAt, ...r }) => ({ ...r, enterpriseId: studio.enterpriseId, closedAt: closedAt! }));
}

/** When the enterprise was last sent a survey of any kind (the fatigue cap). */
export async function lastSurveySentAt(db: Db, enterpriseId: string): Promise<Date | null> {
  const last = await db.survey.findFirst({ where: { enterpriseId }, orderBy: { sentAt: "desc" }, select: { sentAt: true } });
  return last?.sentAt ?? null;
}

export interface NewSurvey {
  id: string;
  kind: "SERVICE" | "STUDIO";
  studioId: string;
  enterpriseId: string;
  flowId: string;
  flowVersion: number;
  title: string;
  sentAt: Date;
  expiresAt: Date;
  createdById?: string | null;
  serviceIds: string[];
  invitees: { id: string; personId: string }[];
}

/** The survey, the services it covers (a service already covered throws P2002) and its invitations. */
export async function createSurvey(tx: Tx, s: NewSurvey): Promise<void> {
  const { id, kind, studioId, enterpriseId, flowId, flowVersion, title, sentAt, expiresAt, serviceIds, invitees } = s;
  await tx.survey.create({ data: { id, kind, studioId, enterpriseId, flowId, flowVersion, title, sentAt, expiresAt, createdById: s.createdById ?? null, status: "OPEN" } });
  for (const serviceRequestId of serviceIds) await tx.surveyService.create({ data: { serviceRequestId, surveyId: s.id } });
  for (const i of invitees) await tx.surveyInvitation.create({ data: { id: i.id, surveyId: s.id, personId: i.personId, sentAt: s.sentAt } });
}

/** What decides whether a survey can still be answered. */
export function surveyState(db: Db, id: string) {
  return db.survey.findUnique({ where: { id }, select: { kind: true, status: true, expiresAt: true, studioId: true } });
}

export function studioNumberOf(db: Db, studioId: string) {
  return db.studio.findUniqueOrThrow({ where: { id: studioId }, select: { number: true, enterpriseId: true, enterprise: { select: { name: true } } } });
}

export type SurveyRow = NonNullable<Awaited<ReturnType<typeof findSurvey>>>;

export function findSurvey(db: Db, id: string) {
  return db.survey.findUnique({ where: { id }, include: { studio: { select: { number: true, enterprise: { select: { name: true } } } }, services: { select: { serviceRequest: { select: { id: true, category: true, subItem: true, closedById: true } } } } } });
}

/** The person's invitation to `surveyId`, if any. */
export function invitationOf(db: Db, surveyId: string, personId: string) {
  return db.surveyInvitation.findUnique({ where: { surveyId_personId: { surveyId, personId } } });
}

/** The person's newest invitation to a survey still open and unanswered by them (typed 评价). */
export async function openInvitationFor(db: Db, personId: string, now: Date) {
  return db.surveyInvitation.findFirst({ where: { personId, answeredOn: null, survey: { status: "OPEN", expiresAt: { gt: now } } }, orderBy: { sentAt: "desc" } });
}

/** Invitations still waiting for an answer on open surveys, with their reminder count. */
export function unansweredInvitations(db: Db, now: Date, take = 500) {
  return db.surveyInvitation.findMany({ where: { answeredOn: null, survey: { status: "OPEN", expiresAt: { gt: now } } }, orderBy: { sentAt: "asc" }, take });
}

/** Claims reminder number `n + 1` of an invitation; false when another run took it. */
export async function claimReminder(tx: Tx, invitationId: string, n: number): Promise<boolean> {
  return (await tx.surveyInvitation.updateMany({ where: { id: invitationId, remindersSent: n, answeredOn: null }, data: { remindersSent: n + 1 } })).count === 1;
}

/** OPEN surveys past their expiry become EXPIRED. */
export async function expireSurveys(db: Db, now: Date): Promise<number> {
  return (await db.survey.updateMany({ where: { status: "OPEN", expiresAt: { lte: now } }, data: { status: "EXPIRED" } })).count;
}

/** 8.1 one response per service: an open SERVICE survey becomes ANSWERED exactly once. */
export async function claimServiceSurvey(tx: Tx, surveyId: string, now: Date): Promise<boolean> {
  return (await tx.survey.updateMany({ where: { id: surveyId, kind: "SERVICE", status: "OPEN", expiresAt: { gt: now } }, data: { status: "ANSWERED" } })).count === 1;
}

/** Marks the person's invitation answered (the day only); false when they had answered already. */
export async function markInvitationAnswered(tx: Tx, surveyId: string, personId: string, answeredOn: string): Promise<boolean> {
  return (await tx.surveyInvitation.updateMany({ where: { surveyId, personId, answeredOn: null }, data: { answeredOn } })).count === 1;
}

export interface NewResponse {
  id: string;
  surveyId: string;
  personId: string | null;
  anonymous: boolean;
  overall: number;
  timeliness: number;
  professionalism: number;
  recommend: number;
  comment: string | null;
  answersJson: string;
  flowVersion: number;
  answeredOn: string;
}

export async function insertResponse(tx: Tx, r: NewResponse): Promise<void> {
  await tx.surveyResponse.create({ data: r });
}

/**
 * 8.1 anonymity: the inbound events that carried an anonymous survey's answers keep their shape
 * but lose their content (the text typed, the button's key), so no row holds person and answer.
 * Only events already handled are touched.
 */
export async function redactAnsweredEvents(tx: Tx, sender: { channel: string; userId: string }, since: Date): Promise<number> {
  const rows = await tx.inboundEvent.findMany({ where: { channel: sender.channel, userId: sender.userId, receivedAt: { gte: since }, status: "DONE" }, select: { id: true, payloadJson: true } });
  for (const r of rows) {
    const e = JSON.parse(r.payloadJson) as Record<string, unknown>;
    if ("text" in e) e.text = "（匿名评价，内容已隐去）";
    if ("key" in e) e.key = "redacted";
    if ("handle" in e) delete e.handle;
    await tx.inboundEvent.update({ where: { id: r.id }, data: { payloadJson: JSON.stringify(e) } });
  }
  return rows.length;
}

// ---------- follow-ups (8.2) ----------

export async function openFollowUp(tx: Tx, f: { id: string; responseId: string; studioId: string; openedOn: string; dueOn: string }): Promise<void> {
  await tx.followUp.create({ data: { ...f, status: "OPEN" } });
}

export type FollowUpRow = NonNullable<Awaited<ReturnType<typeof findFollowUp>>>;

/** A follow-up with its response (no person when anonymous) and survey. */
export function findFollowUp(db: Db, id: string) {
  return db.followUp.findUnique({ where: { id }, include: { response: { select: { id: true, surveyId: true, personId: true, anonymous: true, overall: true, timeliness: true, professionalism: true, recommend: true, comment: true } } } });
}

export function openFollowUps(db: Db, take = 500) {
  return db.followUp.findMany({ where: { status: "OPEN" }, orderBy: { dueOn: "asc" }, take });
}

/** Records that a reminder (or the escalation) went out; false when another run did it. */
export async function markFollowUpStep(tx: Tx, id: string, step: "remind" | "escalate", now: Date): Promise<boolean> {
  const where = step === "remind" ? { id, status: "OPEN", remindedAt: null } : { id, status: "OPEN", escalatedAt: null };
  const data = step === "remind" ? { remindedAt: now } : { escalatedAt: now };
  return (await tx.followUp.updateMany({ where, data })).count === 1;
}

/** 8.2: closed exactly once, with the action taken. */
export async function closeFollowUp(tx: Tx, id: string, c: { resolution: string; closedById: string; now: Date }): Promise<boolean> {
  return (await tx.followUp.updateMany({ where: { id, status: "OPEN" }, data: { status: "CLOSED", resolution: c.resolution, closedById: c.closedById, closedAt: c.now, toldAt: c.now } })).count === 1;
}
