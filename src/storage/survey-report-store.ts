import { businessDate } from "../domain/calendar/working-days.ts";
import type { RoleGrantView } from "../domain/roles.ts";
import { surveyReport, type ReportInput, type ReportService, type ReportSurvey, type SurveyReport } from "../domain/surveys/survey-report.ts";
import type { PrismaClient } from "./database.ts";

// 8.2 reports: the only place that reads the survey tables for reports. 8.1 anonymity: invitations
// and responses are never read in one query (no join, no include): invitations are only counted per
// survey, and who answered is never part of the figures. Only the response export names a
// respondent, and only one who did not choose to answer anonymously.

type Db = Pick<PrismaClient, "studio" | "survey" | "surveyInvitation" | "surveyResponse" | "followUp" | "serviceRequest" | "studioMember" | "roleGrant" | "agency" | "person">;

export interface ReportQuery {
  /** Business dates, inclusive. */
  from: string;
  to: string;
  /** Business date: what "overdue" and "answered by now" are measured against. */
  today: string;
  /** Undefined: every studio; []: none. */
  studioIds?: string[];
  timeZone?: string;
}

/** The studios an officer's report covers: "all" for city officers and admins, their towns' for a town officer. */
export async function studiosInScope(prisma: Pick<PrismaClient, "studio">, roles: RoleGrantView[]): Promise<string[] | "all"> {
  if (roles.some((r) => r.role === "CITY_IP_OFFICER" || r.role === "CITY_LEADER" || r.role === "ADMIN")) return "all";
  const towns = [...new Set(roles.filter((r) => r.role === "TOWN_OFFICER" && r.townId).map((r) => r.townId!))];
  if (!towns.length) return [];
  const rows = await prisma.studio.findMany({ where: { enterprise: { townId: { in: towns } } }, select: { id: true }, orderBy: { number: "asc" } });
  return rows.map((r) => r.id);
}

const DAY_MS = 86_400_000;
/** Instants that surely hold every business day of [from, to], whatever the zone (±14 h): filtered exactly afterwards. */
function window(from: string, to: string) {
  return { gte: new Date(Date.parse(`${from}T00:00:00Z`) - DAY_MS), lt: new Date(Date.parse(`${to}T00:00:00Z`) + 2 * DAY_MS) };
}

/** The rows of the report for [from, to] in the scope. */
export async function loadReportInput(prisma: Db, q: ReportQuery): Promise<ReportInput> {
  const tz = q.timeZone ?? "Asia/Shanghai";
  const day = (d: Date) => businessDate(d, tz);
  const inScope = q.studioIds ? { studioId: { in: q.studioIds } } : {};
  const span = window(q.from, q.to);
  const inPeriod = (d: string) => d >= q.from && d <= q.to;

  const studios = await prisma.studio.findMany({ where: q.studioIds ? { id: { in: q.studioIds } } : {}, select: { id: true, number: true, enterprise: { select: { name: true } } } });
  const surveySelect = { id: true, kind: true, studioId: true, sentAt: true, services: { select: { serviceRequestId: true } } } as const;
  const sent = (await prisma.survey.findMany({ where: { ...inScope, sentAt: span }, select: surveySelect })).filter((s) => inPeriod(day(s.sentAt)));
  const scoreSelect = { id: true, surveyId: true, answeredOn: true, overall: true, timeliness: true, professionalism: true, recommend: true } as const;
  // Answers given in the period, and every answer to a survey sent in it (for the response rate).
  const answered = await prisma.surveyResponse.findMany({ where: { answeredOn: { gte: q.from, lte: q.to }, ...(q.studioIds ? { survey: inScope } : {}) }, select: scoreSelect });
  const toSent = sent.length ? await prisma.surveyResponse.findMany({ where: { surveyId: { in: sent.map((s) => s.id) } }, select: scoreSelect }) : [];
  const responses = [...new Map([...answered, ...toSent].map((r) => [r.id, r])).values()];
  const followUps = await prisma.followUp.findMany({
    where: { ...inScope, OR: [{ openedOn: { gte: q.from, lte: q.to } }, { status: "OPEN" }] },
    select: { studioId: true, status: true, openedOn: true, dueOn: true, response: { select: { surveyId: true } } },
  });

  // Surveys sent earlier that answers or follow-ups of the period belong to.
  const known = new Set(sent.map((s) => s.id));
  const missing = [...new Set([...responses.map((r) => r.surveyId), ...followUps.map((f) => f.response.surveyId)])].filter((id) => !known.has(id));
  const earlier = missing.length ? await prisma.survey.findMany({ where: { id: { in: missing } }, select: surveySelect }) : [];
  const surveys = [...sent, ...earlier];
  // Counted, never listed: who was invited stays out of the report.
  const invitationCounts = surveys.length
    ? await prisma.surveyInvitation.groupBy({ by: ["surveyId"], where: { surveyId: { in: surveys.map((s) => s.id) } }, _count: { _all: true } })
    : [];
  const invitations = new Map(invitationCounts.map((c) => [c.surveyId, c._count._all]));

  const serviceSelect = { id: true, studioId: true, category: true, status: true, createdAt: true, closedAt: true, closedById: true, acceptedById: true } as const;
  const inWindow = await prisma.serviceRequest.findMany({ where: { ...inScope, OR: [{ createdAt: span }, { status: "CLOSED", closedAt: span }] }, select: serviceSelect });
  const covered = surveys.flatMap((s) => s.services.map((x) => x.serviceRequestId));
  const have = new Set(inWindow.map((s) => s.id));
  const more = covered.some((id) => !have.has(id)) ? await prisma.serviceRequest.findMany({ where: { id: { in: covered.filter((id) => !have.has(id)) } }, select: serviceSelect }) : [];
  const services = [...inWindow, ...more];
  const agencyOf = await serviceAgencies(prisma, services);
  const agencyIds = [...new Set([...agencyOf.values()].filter((a): a is string => a !== null))];
  const agencies = agencyIds.length ? await prisma.agency.findMany({ where: { id: { in: agencyIds } }, select: { id: true, name: true } }) : [];

  return {
    from: q.from,
    to: q.to,
    today: q.today,
    studios: studios.map((s) => ({ id: s.id, number: s.number, enterpriseName: s.enterprise.name })),
    agencies,
    surveys: surveys.map(
      (s): ReportSurvey => ({ id: s.id, kind: s.kind === "STUDIO" ? "STUDIO" : "SERVICE", studioId: s.studioId, sentOn: day(s.sentAt), invitations: invitations.get(s.id) ?? 0, serviceIds: s.services.map((x) => x.serviceRequestId) }),
    ),
    responses: responses.map(({ id: _id, ...r }) => r),
    services: services.map((s): ReportService => {
      const closedAt = s.status === "CLOSED" ? s.closedAt : null;
      return { id: s.id, studioId: s.studioId, category: s.category, agencyId: agencyOf.get(s.id) ?? null, createdAt: s.createdAt, createdOn: day(s.createdAt), closedAt, closedOn: closedAt ? day(closedAt) : null };
    }),
    followUps: followUps.map((f) => ({ studioId: f.studioId, surveyId: f.response.surveyId, status: f.status, openedOn: f.openedOn, dueOn: f.dueOn })),
  };
}

/**
 * A service's agency: that of the person who closed it (else, still open, who accepted it) — their
 * AGENCY seat on the studio (an active one first), else their AGENCY_STAFF grant (an unrevoked one first).
 */
async function serviceAgencies(prisma: Db, services: { id: string; studioId: string; closedById: string | null; acceptedById: string | null }[]) {
  const who = new Map(services.map((s) => [s.id, s.closedById ?? s.acceptedById]));
  const people = [...new Set([...who.values()].filter((p): p is string => p !== null))];
  const out = new Map<string, string | null>();
  if (!people.length) return out;
  const seats = await prisma.studioMember.findMany({ where: { side: "AGENCY", personId: { in: people }, agencyId: { not: null } }, select: { studioId: true, personId: true, agencyId: true, leftAt: true }, orderBy: { joinedAt: "asc" } });
  const grants = await prisma.roleGrant.findMany({ where: { role: "AGENCY_STAFF", personId: { in: people }, agencyId: { not: null } }, select: { personId: true, agencyId: true, revokedAt: true }, orderBy: { grantedAt: "asc" } });
  for (const s of services) {
    const p = who.get(s.id);
    const seat = seats.filter((m) => m.personId === p && m.studioId === s.studioId).sort((a, b) => Number(a.leftAt !== null) - Number(b.leftAt !== null))[0];
    const grant = grants.filter((g) => g.personId === p).sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null))[0];
    out.set(s.id, seat?.agencyId ?? grant?.agencyId ?? null);
  }
  return out;
}

/** 8.2: the figures for [from, to] in a scope — what the 服务评价 chat command and the admin report show. */
export async function surveyFiguresFor(prisma: Db, q: ReportQuery): Promise<SurveyReport> {
  return surveyReport(await loadReportInput(prisma, q));
}

export interface ResponseRow {
  surveyId: string;
  kind: string;
  studioNumber: string;
  enterprise: string;
  services: { id: string; category: string; subItem: string | null }[];
  answeredOn: string;
  overall: number;
  timeliness: number;
  professionalism: number;
  recommend: number;
  comment: string | null;
  anonymous: boolean;
  /** Null when anonymous: the person is never looked up then. */
  respondentName: string | null;
}

/** One row per answer given in [from, to] in the scope, oldest first, for the CSV and XLSX exports. */
export async function loadResponseRows(prisma: Db, q: Pick<ReportQuery, "from" | "to" | "studioIds">): Promise<ResponseRow[]> {
  const rows = await prisma.surveyResponse.findMany({
    where: { answeredOn: { gte: q.from, lte: q.to }, ...(q.studioIds ? { survey: { studioId: { in: q.studioIds } } } : {}) },
    select: {
      surveyId: true,
      answeredOn: true,
      overall: true,
      timeliness: true,
      professionalism: true,
      recommend: true,
      comment: true,
      anonymous: true,
      personId: true,
      survey: { select: { kind: true, sentAt: true, studio: { select: { number: true, enterprise: { select: { name: true } } } }, services: { select: { serviceRequest: { select: { id: true, category: true, subItem: true } } } } } },
    },
    orderBy: [{ answeredOn: "asc" }, { survey: { sentAt: "asc" } }, { surveyId: "asc" }, { id: "asc" }],
  });
  const named = [...new Set(rows.filter((r) => !r.anonymous && r.personId).map((r) => r.personId!))];
  const people = named.length ? await prisma.person.findMany({ where: { id: { in: named } }, select: { id: true, name: true } }) : [];
  const nameOf = new Map(people.map((p) => [p.id, p.name]));
  return rows.map((r) => ({
    surveyId: r.surveyId,
    kind: r.survey.kind,
    studioNumber: r.survey.studio.number,
    enterprise: r.survey.studio.enterprise.name,
    services: r.survey.services.map((s) => s.serviceRequest).sort((a, b) => a.id.localeCompare(b.id)),
    answeredOn: r.answeredOn,
    overall: r.overall,
    timeliness: r.timeliness,
    professionalism: r.professionalism,
    recommend: r.recommend,
    comment: r.comment,
    anonymous: r.anonymous,
    respondentName: r.anonymous || !r.personId ? null : (nameOf.get(r.personId) ?? null),
  }));
}
