import { describe, expect, it } from "vitest";
import { monthsBetween, roundRatio, surveyReport, type ReportInput } from "../../src/domain/surveys/survey-report.ts";

// A worked example; every expected figure below is computed by hand in the comments.
// Studios S1 (ZSIPS-2026-001) and S2; agencies A1, A2. Cycle hours: v0 168, v1 26, v2 10, v3 144.
const at = (iso: string) => new Date(iso);
const INPUT: ReportInput = {
  from: "2026-11-01",
  to: "2026-11-30",
  today: "2026-11-29",
  studios: [
    { id: "S2", number: "ZSIPS-2026-002", enterpriseName: "乙五金" },
    { id: "S1", number: "ZSIPS-2026-001", enterpriseName: "甲电器" },
  ],
  agencies: [
    { id: "A2", name: "B知识产权服务" },
    { id: "A1", name: "A知识产权代理" },
  ],
  services: [
    { id: "v0", studioId: "S2", category: "d", agencyId: "A2", createdAt: at("2026-10-20T02:00:00Z"), createdOn: "2026-10-20", closedAt: at("2026-10-27T02:00:00Z"), closedOn: "2026-10-27" },
    { id: "v1", studioId: "S1", category: "a", agencyId: "A1", createdAt: at("2026-11-02T01:00:00Z"), createdOn: "2026-11-02", closedAt: at("2026-11-03T03:00:00Z"), closedOn: "2026-11-03" },
    { id: "v2", studioId: "S1", category: "c", agencyId: "A2", createdAt: at("2026-11-04T00:00:00Z"), createdOn: "2026-11-04", closedAt: at("2026-11-04T10:00:00Z"), closedOn: "2026-11-04" },
    { id: "v3", studioId: "S2", category: "a", agencyId: null, createdAt: at("2026-10-30T02:00:00Z"), createdOn: "2026-10-30", closedAt: at("2026-11-05T02:00:00Z"), closedOn: "2026-11-05" },
    { id: "v4", studioId: "S2", category: "b", agencyId: "A1", createdAt: at("2026-11-10T02:00:00Z"), createdOn: "2026-11-10", closedAt: null, closedOn: null },
  ],
  surveys: [
    { id: "sv0", kind: "SERVICE", studioId: "S2", sentOn: "2026-10-28", invitations: 1, serviceIds: ["v0"] },
    { id: "sv1", kind: "SERVICE", studioId: "S1", sentOn: "2026-11-05", invitations: 1, serviceIds: ["v1", "v2"] }, // combined: a and c
    { id: "sv2", kind: "SERVICE", studioId: "S2", sentOn: "2026-11-06", invitations: 1, serviceIds: ["v3"] }, // never answered
    { id: "sv3", kind: "STUDIO", studioId: "S1", sentOn: "2026-11-10", invitations: 4, serviceIds: [] },
  ],
  responses: [
    { surveyId: "sv0", answeredOn: "2026-11-02", overall: 4, timeliness: 3, professionalism: 5, recommend: 8 }, // passive
    { surveyId: "sv1", answeredOn: "2026-11-06", overall: 2, timeliness: 3, professionalism: 4, recommend: 5 }, // detractor
    { surveyId: "sv3", answeredOn: "2026-11-11", overall: 5, timeliness: 5, professionalism: 5, recommend: 10 }, // promoter
    { surveyId: "sv3", answeredOn: "2026-11-12", overall: 4, timeliness: 5, professionalism: 4, recommend: 9 }, // promoter
    { surveyId: "sv3", answeredOn: "2026-11-12", overall: 3, timeliness: 4, professionalism: 4, recommend: 6 }, // detractor
  ],
  followUps: [
    { studioId: "S2", surveyId: "sv0", status: "OPEN", openedOn: "2026-10-20", dueOn: "2026-10-27" }, // before the period
    { studioId: "S1", surveyId: "sv1", status: "OPEN", openedOn: "2026-11-06", dueOn: "2026-11-13" }, // overdue
    { studioId: "S1", surveyId: "sv3", status: "CLOSED", openedOn: "2026-11-12", dueOn: "2026-11-19" },
  ],
};

const NOTHING = { surveysSent: 0, asked: 0, answered: 0, responseRate: null, responses: 0, overall: null, timeliness: null, professionalism: null, promoters: 0, passives: 0, detractors: 0, nps: null };
const NO_FOLLOW_UPS = { followUpsOpened: 0, followUpsOpen: 0, followUpsOverdue: 0, followUpsClosed: 0 };
const NO_SERVICES = { servicesCreated: 0, servicesClosed: 0, cycleHoursAverage: null, cycleHoursMedian: null };

describe("survey report figures [8.2]", () => {
  const report = surveyReport(INPUT);

  it("[8.2] totals of November: rate on the surveys sent in it, scores of the answers given in it, NPS, follow-ups, cycle times", () => {
    expect(report.totals).toEqual({
      surveysSent: 3, // sv1, sv2, sv3 (sv0 was sent in October)
      asked: 6, // sv1 1 + sv2 1 + sv3's 4 invitations
      answered: 4, // sv1 once, sv3 three times
      responseRate: 66.7, // 4 / 6
      responses: 5, // all five answers are dated November (sv0's included)
      overall: 3.6, // (4+2+5+4+3)/5 = 18/5
      timeliness: 4, // (3+3+5+5+4)/5 = 20/5
      professionalism: 4.4, // (5+4+5+4+4)/5 = 22/5
      promoters: 2,
      passives: 1,
      detractors: 2,
      nps: 0, // (2 − 2)/5
      followUpsOpened: 2,
      followUpsOpen: 1,
      followUpsOverdue: 1, // due 11-13, today 11-29
      followUpsClosed: 1,
      servicesCreated: 3, // v1, v2, v4 (v3 was created in October)
      servicesClosed: 3, // v1 26 h, v2 10 h, v3 144 h
      cycleHoursAverage: 60, // 180 / 3
      cycleHoursMedian: 26,
    });
    // Every OPEN follow-up, also the one opened in October.
    expect(report.backlog).toEqual({ open: 2, overdue: 2 });
  });

  it("[8.2] per service type (7.1 a–g): a combined survey counts for each type it covers; STUDIO surveys count as studio-wide", () => {
    const type = (k: string) => report.byServiceType.find((r) => r.key === k)!;
    expect(report.byServiceType.map((r) => r.key)).toEqual(["a", "b", "c", "d", "e", "f", "g", "studio-wide"]);
    expect(type("a")).toMatchObject({ clause: "7.1 a", surveysSent: 2, asked: 2, answered: 1, responseRate: 50, responses: 1, overall: 2, timeliness: 3, professionalism: 4, nps: -100, followUpsOpened: 1, followUpsOverdue: 1, servicesCreated: 1, servicesClosed: 2, cycleHoursAverage: 85, cycleHoursMedian: 85 });
    expect(type("b")).toEqual({ key: "b", label: "高价值培育布局", clause: "7.1 b", ...NOTHING, ...NO_FOLLOW_UPS, servicesCreated: 1, servicesClosed: 0, cycleHoursAverage: null, cycleHoursMedian: null });
    expect(type("c")).toMatchObject({ surveysSent: 1, responseRate: 100, responses: 1, nps: -100, servicesCreated: 1, servicesClosed: 1, cycleHoursAverage: 10, cycleHoursMedian: 10 });
    // sv0 was sent in October, answered in November: the answer counts, the survey does not.
    expect(type("d")).toMatchObject({ surveysSent: 0, responseRate: null, responses: 1, overall: 4, timeliness: 3, professionalism: 5, nps: 0, servicesCreated: 0, servicesClosed: 0 });
    expect(type("e")).toMatchObject({ ...NOTHING, ...NO_FOLLOW_UPS, ...NO_SERVICES });
    // sv3: 3 of 4 managers answered; overall 12/3, timeliness 14/3, professionalism 13/3; NPS (2 − 1)/3.
    expect(type("studio-wide")).toMatchObject({ clause: null, label: "工作室整体评价", surveysSent: 1, asked: 4, answered: 3, responseRate: 75, responses: 3, overall: 4, timeliness: 4.67, professionalism: 4.33, nps: 33, followUpsOpened: 1, followUpsOpen: 0, followUpsClosed: 1, servicesCreated: 0 });
  });

  it("[8.2] per studio, ordered by number", () => {
    expect(report.byStudio.map((r) => [r.key, r.label, r.enterprise])).toEqual([
      ["S1", "ZSIPS-2026-001", "甲电器"],
      ["S2", "ZSIPS-2026-002", "乙五金"],
    ]);
    // S1: sv1 and sv3 → asked 5, answered 4; answers r1 r2 r3 r4: overall 14/4, timeliness 17/4, professionalism 17/4.
    expect(report.byStudio[0]).toMatchObject({ surveysSent: 2, asked: 5, answered: 4, responseRate: 80, responses: 4, overall: 3.5, timeliness: 4.25, professionalism: 4.25, nps: 0, followUpsOpened: 2, servicesCreated: 2, servicesClosed: 2, cycleHoursAverage: 18, cycleHoursMedian: 18 });
    // S2: sv2 unanswered → 0 %; sv0's answer; v4 created, v3 closed.
    expect(report.byStudio[1]).toMatchObject({ surveysSent: 1, asked: 1, answered: 0, responseRate: 0, responses: 1, overall: 4, nps: 0, followUpsOpened: 0, servicesCreated: 1, servicesClosed: 1, cycleHoursAverage: 144 });
  });

  it("[8.2] per agency: the closer's agency, 未指定机构 without one, studio-wide surveys apart", () => {
    expect(report.byAgency.map((r) => [r.key, r.label])).toEqual([
      ["A1", "A知识产权代理"],
      ["A2", "B知识产权服务"],
      ["none", "未指定机构"],
      ["studio-wide", "工作室整体评价"],
    ]);
    const [a1, a2, none] = report.byAgency;
    expect(a1).toMatchObject({ surveysSent: 1, responseRate: 100, responses: 1, nps: -100, followUpsOverdue: 1, servicesCreated: 2, servicesClosed: 1, cycleHoursMedian: 26 });
    // A2: sv1 (v2) and sv0 (v0): answers 2/4/… → overall (2+4)/2, professionalism (4+5)/2, NPS (0 − 1)/2.
    expect(a2).toMatchObject({ surveysSent: 1, responses: 2, overall: 3, timeliness: 3, professionalism: 4.5, nps: -50, servicesCreated: 1, servicesClosed: 1, cycleHoursAverage: 10 });
    expect(none).toMatchObject({ surveysSent: 1, asked: 1, answered: 0, responseRate: 0, responses: 0, nps: null, servicesCreated: 0, servicesClosed: 1, cycleHoursAverage: 144 });
  });

  it("[8.2] per month: each event in the month of its own day", () => {
    const r = surveyReport({ ...INPUT, from: "2026-10-01" });
    expect(r.byMonth.map((m) => m.key)).toEqual(["2026-10", "2026-11"]);
    // October: sv0 sent (answered since) → 1/1; f0 opened, still open and overdue; v0 and v3 created, v0 closed after 168 h.
    expect(r.byMonth[0]).toEqual({ key: "2026-10", label: "2026-10", ...NOTHING, surveysSent: 1, asked: 1, answered: 1, responseRate: 100, followUpsOpened: 1, followUpsOpen: 1, followUpsOverdue: 1, followUpsClosed: 0, servicesCreated: 2, servicesClosed: 1, cycleHoursAverage: 168, cycleHoursMedian: 168 });
    expect(r.byMonth[1]).toEqual({ key: "2026-11", label: "2026-11", ...report.totals });
    // The two-month totals: 5 created, 4 closed (10, 26, 144, 168 → average 87, median (26+144)/2).
    expect(r.totals).toMatchObject({ surveysSent: 4, asked: 7, answered: 5, responseRate: 71.4, servicesCreated: 5, servicesClosed: 4, cycleHoursAverage: 87, cycleHoursMedian: 85 });
  });

  it("[8.2] empty: no answers → null averages and NPS; every month of the period listed", () => {
    const r = surveyReport({ ...INPUT, from: "2025-12-15", to: "2026-02-03", surveys: [], responses: [], followUps: [], services: [] });
    expect(r.totals).toEqual({ ...NOTHING, ...NO_FOLLOW_UPS, ...NO_SERVICES });
    expect(r.byMonth.map((m) => m.key)).toEqual(["2025-12", "2026-01", "2026-02"]);
    expect(r.byAgency).toEqual([]);
  });

  it("[8.2] rounding is half away from zero; months across a year", () => {
    expect(roundRatio(1 * 100, 8, 0)).toBe(13); // NPS 12.5
    expect(roundRatio(-1 * 100, 8, 0)).toBe(-13);
    expect(roundRatio(17, 8, 2)).toBe(2.13); // 2.125
    expect(roundRatio(2, 3, 1)).toBe(0.7);
    expect(roundRatio(0, 5, 1)).toBe(0);
    expect(monthsBetween("2026-11-30", "2027-01-01")).toEqual(["2026-11", "2026-12", "2027-01"]);
  });
});
