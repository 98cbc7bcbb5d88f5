// What happened to one application, for its cards, its timeline and its print view: every
// approval step of every round, the resubmissions (with what changed, from the audit log), and
// the names of the towns involved.
import type { PrismaClient, Tx } from "./database.ts";

type Db = Pick<PrismaClient | Tx, "approvalStep" | "auditLog" | "town" | "person">;

export interface StepRecord {
  id: string;
  stage: number;
  round: number;
  status: string;
  townId: string | null;
  decidedByName: string | null;
  opinion: string | null;
  returnFields: string | null;
  openedAt: Date;
  dueOn: string;
  decidedAt: Date | null;
}

export interface SubmissionRecord {
  at: Date;
  action: "application.submitted" | "application.resubmitted";
  actorId: string | null;
  /** Resubmissions: what changed ({ label, from, to }), when it was recorded. */
  changes: { label: string; from: string; to: string }[];
}

export interface ApplicationHistoryData {
  steps: StepRecord[];
  submissions: SubmissionRecord[];
  townNames: Map<string, string>;
  personNames: Map<string, string>;
}

export async function loadApplicationHistory(db: Db, applicationId: string): Promise<ApplicationHistoryData> {
  const steps = await db.approvalStep.findMany({
    where: { applicationId },
    orderBy: [{ openedAt: "asc" }, { round: "asc" }, { stage: "asc" }],
    select: { id: true, stage: true, round: true, status: true, townId: true, decidedByName: true, opinion: true, returnFields: true, openedAt: true, dueOn: true, decidedAt: true },
  });
  const audit = await db.auditLog.findMany({
    where: { subjectType: "Application", subjectId: applicationId, action: { in: ["application.submitted", "application.resubmitted"] } },
    orderBy: { id: "asc" },
    select: { at: true, action: true, actorId: true, detailJson: true },
  });
  const submissions = audit.map((a): SubmissionRecord => {
    const detail = safeJson(a.detailJson) as { changes?: unknown };
    const changes = Array.isArray(detail.changes) ? detail.changes.filter(isChange) : [];
    return { at: a.at, action: a.action as SubmissionRecord["action"], actorId: a.actorId, changes };
  });
  const townIds = [...new Set(steps.map((s) => s.townId).filter((t): t is string => !!t))];
  const towns = townIds.length ? await db.town.findMany({ where: { id: { in: townIds } }, select: { id: true, name: true, kind: true } }) : [];
  const personIds = [...new Set(submissions.map((s) => s.actorId).filter((p): p is string => !!p))];
  const people = personIds.length ? await db.person.findMany({ where: { id: { in: personIds } }, select: { id: true, name: true } }) : [];
  return { steps, submissions, townNames: new Map(towns.map((t) => [t.id, townLabel(t)])), personNames: new Map(people.map((p) => [p.id, p.name])) };
}

/** "小榄镇", "中山港街道", "古镇镇": the name as people say it (a stored full name is kept). */
export function townLabel(t: { name: string; kind: string }): string {
  return t.name.endsWith(t.kind) && t.name.length > t.kind.length + 1 ? t.name : `${t.name}${t.kind}`;
}

/** The towns (id, label) for the forward choice, active ones only. */
export async function activeTowns(db: Pick<PrismaClient | Tx, "town">): Promise<{ id: string; label: string }[]> {
  const towns = await db.town.findMany({ where: { active: true }, orderBy: { sortOrder: "asc" }, select: { id: true, name: true, kind: true } });
  return towns.map((t) => ({ id: t.id, label: townLabel(t) }));
}

/** One town's label, or the id when unknown. */
export async function townLabelOf(db: Pick<PrismaClient | Tx, "town">, id: string): Promise<string> {
  const t = await db.town.findUnique({ where: { id }, select: { name: true, kind: true } });
  return t ? townLabel(t) : id;
}

function safeJson(s: string): unknown {
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

function isChange(c: unknown): c is { label: string; from: string; to: string } {
  const o = c as Record<string, unknown> | null;
  return !!o && typeof o.label === "string" && typeof o.from === "string" && typeof o.to === "string";
}

/** Every town's id and name, as the application flow displays them. */
export function allTowns(db: Pick<PrismaClient | Tx, "town">): Promise<{ id: string; name: string }[]> {
  return db.town.findMany({ select: { id: true, name: true } });
}

/** An applicant's latest applications, newest first. */
export function applicationsOfApplicant(db: Pick<PrismaClient | Tx, "application">, personId: string, take = 5) {
  return db.application.findMany({ where: { applicantId: personId }, orderBy: { createdAt: "desc" }, take, include: { town: { select: { name: true, kind: true } } } });
}
