// 8.2 improvement loop: the report figures, computed from plain rows (no database here).
// Every figure counts an event in the period [from, to] (business dates, inclusive) by its own day:
// - surveysSent: surveys whose sentOn is in the period;
// - responseRate: of what those surveys asked — one ask per SERVICE survey (it takes one answer),
//   one per invitation of a STUDIO survey (one answer per invited manager) — the percentage answered
//   by `today` (1 decimal), null when nothing was asked. Counted on the surveys sent in the period,
//   so a late answer never lifts a rate above 100 %;
// - responses, the three averages (2 decimals) and NPS: answers whose answeredOn is in the period;
//   NPS = % promoters (recommend 9–10) − % detractors (0–6), an integer, null without answers;
// - follow-ups opened in the period, and of them open, overdue (OPEN and today > dueOn) and closed
//   as of today; `backlog` (in the report, not per group) is every OPEN follow-up, whenever opened;
// - services created (createdOn) and closed (closedOn) in the period; the cycle time (created →
//   closed, hours, 1 decimal) of those closed in the period.
// Groups: per studio; per service type (7.1 a–g: an answer to a combined survey counts once for
// each distinct type it covers; STUDIO surveys count under "studio-wide"); per agency (the agency
// of the person who closed the service, else of the one who accepted it; none → 未指定机构; a
// survey counts once per distinct agency of its services, STUDIO surveys under "studio-wide");
// per month (each event in the month of its own day). Rounding is half away from zero.

import { SERVICE_CATEGORIES } from "../studio/service-catalogue.ts";

export interface ReportSurvey {
  id: string;
  kind: "SERVICE" | "STUDIO";
  studioId: string;
  /** Business date of sentAt. */
  sentOn: string;
  /** Invitations sent (counted only: who was asked is never part of a report). */
  invitations: number;
  serviceIds: string[];
}
export interface ReportResponse {
  surveyId: string;
  answeredOn: string;
  overall: number;
  timeliness: number;
  professionalism: number;
  recommend: number;
}
export interface ReportService {
  id: string;
  studioId: string;
  category: string;
  /** Already resolved by the caller (see the header); null = none. */
  agencyId: string | null;
  createdAt: Date;
  createdOn: string;
  /** Set only for CLOSED services. */
  closedAt: Date | null;
  closedOn: string | null;
}
export interface ReportFollowUp {
  studioId: string;
  surveyId: string;
  status: string;
  openedOn: string;
  dueOn: string;
}
export interface ReportInput {
  from: string;
  to: string;
  today: string;
  studios: { id: string; number: string; enterpriseName: string }[];
  agencies: { id: string; name: string }[];
  surveys: ReportSurvey[];
  responses: ReportResponse[];
  services: ReportService[];
  followUps: ReportFollowUp[];
}

export interface Figures {
  surveysSent: number;
  asked: number;
  answered: number;
  /** Percent, 1 decimal. */
  responseRate: number | null;
  responses: number;
  overall: number | null;
  timeliness: number | null;
  professionalism: number | null;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
  followUpsOpened: number;
  followUpsOpen: number;
  followUpsOverdue: number;
  followUpsClosed: number;
  servicesCreated: number;
  servicesClosed: number;
  cycleHoursAverage: number | null;
  cycleHoursMedian: number | null;
}
export interface FigureRow extends Figures {
  key: string;
  label: string;
}
export interface SurveyReport {
  from: string;
  to: string;
  today: string;
  totals: Figures;
  byStudio: (FigureRow & { enterprise: string })[];
  byServiceType: (FigureRow & { clause: string | null })[];
  byAgency: FigureRow[];
  byMonth: FigureRow[];
  backlog: { open: number; overdue: number };
}

export const STUDIO_WIDE = "studio-wide";
export const STUDIO_WIDE_LABEL = "工作室整体评价";
export const NO_AGENCY = "none";
export const NO_AGENCY_LABEL = "未指定机构";
const MAX_MONTHS = 120;

/** Half away from zero, to `digits` decimals, from an exact numerator and denominator. */
export function roundRatio(numerator: number, denominator: number, digits: number): number {
  const scaled = (numerator * 10 ** digits) / denominator;
  const r = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return r / 10 ** digits || 0;
}

const inPeriod = (day: string | null, from: string, to: string): day is string => day !== null && day >= from && day <= to;

/** "YYYY-MM" of every month from `from` to `to`. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split("-").map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, "0")}`;
    if (key > last || out.length >= MAX_MONTHS) break;
    out.push(key);
    if (++m > 12) ((m = 1), y++);
  }
  return out;
}

interface Bucket {
  surveysSent: number;
  asked: number;
  answered: number;
  responses: ReportResponse[];
  followUps: ReportFollowUp[];
  servicesCreated: number;
  cycleMs: number[];
}
const emptyBucket = (): Bucket => ({ surveysSent: 0, asked: 0, answered: 0, responses: [], followUps: [], servicesCreated: 0, cycleMs: [] });

function figures(b: Bucket, today: string): Figures {
  const n = b.responses.length;
  const avg = (pick: (r: ReportResponse) => number) => (n ? roundRatio(b.responses.reduce((s, r) => s + pick(r), 0), n, 2) : null);
  const promoters = b.responses.filter((r) => r.recommend >= 9).length;
  const detractors = b.responses.filter((r) => r.recommend <= 6).length;
  const sorted = [...b.cycleMs].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  const HOUR = 3_600_000;
  return {
    surveysSent: b.surveysSent,
    asked: b.asked,
    answered: b.answered,
    responseRate: b.asked ? roundRatio(b.answered * 100, b.asked, 1) : null,
    responses: n,
    overall: avg((r) => r.overall),
    timeliness: avg((r) => r.timeliness),
    professionalism: avg((r) => r.professionalism),
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: n ? roundRatio((promoters - detractors) * 100, n, 0) : null,
    followUpsOpened: b.followUps.length,
    followUpsOpen: b.followUps.filter((f) => f.status === "OPEN").length,
    followUpsOverdue: b.followUps.filter((f) => f.status === "OPEN" && today > f.dueOn).length,
    followUpsClosed: b.followUps.filter((f) => f.status === "CLOSED").length,
    servicesCreated: b.servicesCreated,
    servicesClosed: sorted.length,
    cycleHoursAverage: sorted.length ? roundRatio(sorted.reduce((s, x) => s + x, 0), sorted.length * HOUR, 1) : null,
    cycleHoursMedian: sorted.length ? roundRatio(sorted.length % 2 ? sorted[mid]! : sorted[mid - 1]! + sorted[mid]!, (sorted.length % 2 ? 1 : 2) * HOUR, 1) : null,
  };
}

/** One grouping: which keys each row belongs to (several for a combined survey). */
class Grouping {
  readonly buckets = new Map<string, Bucket>();
  constructor(keys: string[] = []) {
    for (const k of keys) this.buckets.set(k, emptyBucket());
  }
  add(keys: Iterable<string>, fill: (b: Bucket) => void) {
    for (const k of new Set(keys)) {
      let b = this.buckets.get(k);
      if (!b) this.buckets.set(k, (b = emptyBucket()));
      fill(b);
    }
  }
}

export function surveyReport(input: ReportInput): SurveyReport {
  const { from, to, today } = input;
  const services = new Map(input.services.map((s) => [s.id, s]));
  const surveys = new Map(input.surveys.map((s) => [s.id, s]));
  const categoriesOf = (s: ReportSurvey) => (s.kind === "STUDIO" ? [STUDIO_WIDE] : s.serviceIds.flatMap((id) => services.get(id)?.category ?? []));
  const agenciesOf = (s: ReportSurvey) => (s.kind === "STUDIO" ? [STUDIO_WIDE] : s.serviceIds.flatMap((id) => (services.has(id) ? [services.get(id)!.agencyId ?? NO_AGENCY] : [])));

  const total = new Grouping(["total"]);
  const byStudio = new Grouping([...input.studios].sort((a, b) => a.number.localeCompare(b.number)).map((s) => s.id));
  const byType = new Grouping([...SERVICE_CATEGORIES.map((c) => c.letter), STUDIO_WIDE]);
  const byAgency = new Grouping();
  const byMonth = new Grouping(monthsBetween(from, to));
  /** Adds one event to the total, its studio, types, agencies and month. */
  const count = (studioId: string, types: string[], agencies: string[], day: string, fill: (b: Bucket) => void) => {
    total.add(["total"], fill);
    byStudio.add([studioId], fill);
    byType.add(types, fill);
    byAgency.add(agencies, fill);
    byMonth.add([day.slice(0, 7)], fill);
  };

  const answeredBy = new Map<string, number>();
  for (const r of input.responses) if (r.answeredOn <= today) answeredBy.set(r.surveyId, (answeredBy.get(r.surveyId) ?? 0) + 1);
  for (const s of input.surveys) {
    if (!inPeriod(s.sentOn, from, to)) continue;
    const answers = answeredBy.get(s.id) ?? 0;
    const asked = s.kind === "STUDIO" ? s.invitations : 1;
    const answered = s.kind === "STUDIO" ? Math.min(answers, asked) : Math.min(answers, 1);
    count(s.studioId, categoriesOf(s), agenciesOf(s), s.sentOn, (b) => ((b.surveysSent += 1), (b.asked += asked), (b.answered += answered)));
  }
  for (const r of input.responses) {
    const s = surveys.get(r.surveyId);
    if (!s || !inPeriod(r.answeredOn, from, to)) continue;
    count(s.studioId, categoriesOf(s), agenciesOf(s), r.answeredOn, (b) => b.responses.push(r));
  }
  for (const f of input.followUps) {
    const s = surveys.get(f.surveyId);
    if (!inPeriod(f.openedOn, from, to)) continue;
    count(f.studioId, s ? categoriesOf(s) : [], s ? agenciesOf(s) : [], f.openedOn, (b) => b.followUps.push(f));
  }
  for (const s of input.services) {
    const agency = [s.agencyId ?? NO_AGENCY];
    if (inPeriod(s.createdOn, from, to)) count(s.studioId, [s.category], agency, s.createdOn, (b) => (b.servicesCreated += 1));
    if (s.closedAt && inPeriod(s.closedOn, from, to)) count(s.studioId, [s.category], agency, s.closedOn, (b) => b.cycleMs.push(s.closedAt!.getTime() - s.createdAt.getTime()));
  }

  const studioOf = new Map(input.studios.map((s) => [s.id, s]));
  const agencyName = new Map(input.agencies.map((a) => [a.id, a.name]));
  const agencyLabel = (k: string) => (k === NO_AGENCY ? NO_AGENCY_LABEL : k === STUDIO_WIDE ? STUDIO_WIDE_LABEL : (agencyName.get(k) ?? k));
  const agencyOrder = (k: string) => (k === STUDIO_WIDE ? 2 : k === NO_AGENCY ? 1 : 0);
  const rows = (g: Grouping, label: (key: string) => string) => [...g.buckets].map(([key, b]) => ({ key, label: label(key), ...figures(b, today) }));
  const category = (k: string) => SERVICE_CATEGORIES.find((c) => c.letter === k);
  return {
    from,
    to,
    today,
    totals: figures(total.buckets.get("total")!, today),
    byStudio: rows(byStudio, (k) => studioOf.get(k)?.number ?? k).map((r) => ({ ...r, enterprise: studioOf.get(r.key)?.enterpriseName ?? "" })),
    byServiceType: rows(byType, (k) => category(k)?.label ?? STUDIO_WIDE_LABEL).map((r) => ({ ...r, clause: category(r.key)?.clause ?? null })),
    byAgency: rows(byAgency, agencyLabel).sort((a, b) => agencyOrder(a.key) - agencyOrder(b.key) || a.label.localeCompare(b.label, "zh")),
    byMonth: rows(byMonth, (k) => k)
      .filter((r) => r.key >= from.slice(0, 7) && r.key <= to.slice(0, 7))
      .sort((a, b) => a.key.localeCompare(b.key)),
    backlog: {
      open: input.followUps.filter((f) => f.status === "OPEN").length,
      overdue: input.followUps.filter((f) => f.status === "OPEN" && today > f.dueOn).length,
    },
  };
}
