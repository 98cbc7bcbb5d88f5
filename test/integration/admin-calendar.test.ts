// Admin-entered working-day calendar years (issue 13): GET/PUT/DELETE /admin/calendar/:year through
// the real routes; a saved year replaces the chinese-days package for that year at once in the
// runtime's calendar and so in real consumers (the approval SLA's due date); validation 400s; a year
// in neither source counts weekends only and is logged once.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";
import { seedApplication } from "../reliability/seed-application.ts";

const TOKEN = "admin-token-calendar-0123456789";
// Thursday 2027-02-04 10:00 in Zhongshan, two days before the 2027 Spring Festival (正月初一 is 02-06).
const FEB_4_2027 = new Date("2027-02-04T02:00:00Z");

// A schedule shaped like a State Council notice (test data, not the official 2027 notice):
// 元旦 01-01…01-03, 春节 02-06…02-14 with Sunday 01-31 and Saturday 02-20 worked instead.
const SCHEDULE_2027 = {
  holidays: ["2027-01-01", "2027-01-02", "2027-01-03", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13", "2027-02-14"],
  makeupWorkdays: ["2027-02-20", "2027-01-31"],
  note: "国办发明电〔2026〕号（测试数据）",
};

let h: WecomHarness;
beforeEach(async () => {
  h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN }, clock: testClock(FEB_4_2027) });
});
afterEach(async () => {
  await h?.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await h.runtime.app.request(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};
const calendarWarnings = (year: number) => h.logs.lines().filter((l) => l.level === "warn" && l.year === year && String(l.msg).includes("no holiday schedule"));

describe("GET /admin/calendar/:year: which source a year's working days come from", () => {
  it("a year of the chinese-days package, a year in neither source", async () => {
    const y2026 = await call("GET", "/admin/calendar/2026");
    expect(y2026.status).toBe(200);
    expect(y2026.json).toMatchObject({ year: 2026, source: "package", inPackage: true });
    expect(y2026.json.holidays).toContain("2026-10-01"); // 国庆节
    expect(y2026.json.makeupWorkdays).toContain("2026-10-10"); // 调休上班 Saturday

    const y2027 = await call("GET", "/admin/calendar/2027");
    expect(y2027.json).toMatchObject({ year: 2027, source: "weekends-only", inPackage: false, holidays: [], makeupWorkdays: [] });
    expect(y2027.json.note).toContain("PUT /admin/calendar/2027");
  });
});

describe("PUT /admin/calendar/:year: a year's official schedule, used at once", () => {
  it("2027's Spring Festival moves the working days of the runtime's calendar and an approval stage's SLA due date", async () => {
    const cal = h.runtime.domain.calendar;
    const applicant = await h.runtime.services.directory.resolve({ channel: "wecom", userId: "cal-applicant" });
    // Before: 2027 counts weekends only, so three working days after Thursday 02-04 is Tuesday 02-09.
    expect(cal.isWorkingDay("2027-02-08")).toBe(true);
    const before = await seedApplication(h, { applicantId: applicant.id, stage: 1, enterpriseName: "中山市日历前科技有限公司" });
    const dueBefore = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: before.id, stage: 1 } });
    expect(dueBefore.dueOn).toBe("2027-02-09");

    const put = await call("PUT", "/admin/calendar/2027", SCHEDULE_2027);
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ year: 2027, source: "admin", inPackage: false, note: SCHEDULE_2027.note });
    expect(put.json.holidays).toEqual([...SCHEDULE_2027.holidays].sort());
    expect(put.json.makeupWorkdays).toEqual(["2027-01-31", "2027-02-20"]);

    // After: the break is off, its make-up Saturday is worked; Friday 02-05, then Mon 15, Tue 16.
    expect(cal.isWorkingDay("2027-02-08")).toBe(false);
    expect(cal.isWorkingDay("2027-02-20")).toBe(true);
    expect(cal.isWorkingDay("2027-01-01")).toBe(false);
    expect(cal.addWorkingDays("2027-02-04", 3)).toBe("2027-02-16");
    const after = await seedApplication(h, { applicantId: applicant.id, stage: 1, enterpriseName: "中山市日历后科技有限公司" });
    const dueAfter = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { applicationId: after.id, stage: 1 } });
    expect(dueAfter.dueOn).toBe("2027-02-16");

    // Stored and audited, and GET now says so.
    expect((await call("GET", "/admin/calendar/2027")).json).toMatchObject({ source: "admin", holidays: put.json.holidays });
    const audit = await h.t.db.prisma.auditLog.findMany({ where: { action: "calendar.year_saved" } });
    expect(audit.map((a) => [a.subjectType, a.subjectId, a.actorRole, a.channel, JSON.parse(a.detailJson).replaced])).toEqual([["CalendarYear", "2027", "ADMIN", "admin-api", "weekends-only"]]);
  });

  it("a year in the table replaces the package's year; DELETE gives the package back", async () => {
    const cal = h.runtime.domain.calendar;
    expect(cal.isWorkingDay("2026-10-01")).toBe(false);
    const put = await call("PUT", "/admin/calendar/2026", { holidays: ["2026-01-01", "2026-10-02"] });
    expect(put.json).toMatchObject({ source: "admin", inPackage: true, holidays: ["2026-01-01", "2026-10-02"], makeupWorkdays: [], note: null });
    expect(cal.isWorkingDay("2026-10-01")).toBe(true); // the table's year wins, wholly
    expect(cal.isWorkingDay("2026-10-02")).toBe(false);
    expect(cal.isWorkingDay("2026-10-10")).toBe(false); // the package's make-up Saturday is gone too
    expect(cal.isWorkingDay("2025-10-01")).toBe(false); // other years keep the package

    const del = await call("DELETE", "/admin/calendar/2026");
    expect(del.status).toBe(200);
    expect(del.json).toMatchObject({ source: "package" });
    expect(cal.isWorkingDay("2026-10-01")).toBe(false);
    expect(cal.isWorkingDay("2026-10-10")).toBe(true);
    expect((await call("DELETE", "/admin/calendar/2026")).status).toBe(404);
    expect((await h.t.db.prisma.auditLog.findMany({ where: { action: { startsWith: "calendar." } }, orderBy: { id: "asc" } })).map((a) => a.action)).toEqual(["calendar.year_saved", "calendar.year_deleted"]);
  });

  it("another instance sees the saved year when it re-reads the table (its minute timer, GET, or the calendar-check job)", async () => {
    const other = createRuntime({ config: h.config, db: h.t.db, logger: h.logs.logger, clock: h.clock });
    await other.domain.calendar.reload();
    expect(other.domain.calendar.isWorkingDay("2027-02-08")).toBe(true);
    expect((await call("PUT", "/admin/calendar/2027", SCHEDULE_2027)).status).toBe(200);
    await other.domain.calendar.reload();
    expect(other.domain.calendar.isWorkingDay("2027-02-08")).toBe(false);
    expect(other.domain.calendar.sourceOf(2027)).toBe("admin");
  });
});

describe("PUT /admin/calendar/:year refuses what is not a schedule of that year, saving nothing", () => {
  it.each([
    ["2027", { holidays: [] }, /holidays: empty/],
    ["2027", { holidays: ["2027-02-30"] }, /"2027-02-30" is not a real date/],
    ["2027", { holidays: ["2027/02/08"] }, /not a real date in YYYY-MM-DD form/],
    ["2027", { holidays: ["2026-12-31"] }, /2026-12-31 is not in 2027/],
    ["2027", { holidays: ["2027-02-08"], makeupWorkdays: ["2027-02-10"] }, /2027-02-10 is a Wednesday; a make-up working day .* Saturday or Sunday/],
    ["2027", { holidays: ["2027-02-06", "2027-02-07"], makeupWorkdays: ["2027-02-06"] }, /2027-02-06 is in both holidays and makeupWorkdays/],
    ["2027", { holidays: ["2027-02-08"], extra: 1 }, /extra/],
    ["2027", { makeupWorkdays: ["2027-02-20"] }, /holidays/],
    ["2027", "not json", /body must be JSON/],
    ["27", { holidays: ["2027-02-08"] }, /year must be four digits/],
    ["1800", { holidays: ["1800-02-08"] }, /year must be 1990–2100/],
  ])("PUT /admin/calendar/%s %j → 400", async (year, body, message) => {
    const res = await call("PUT", `/admin/calendar/${year}`, body);
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(message);
    expect(await h.t.db.prisma.calendarYear.count()).toBe(0);
  });

  it("GET of a malformed year is a 400 too", async () => {
    expect((await call("GET", "/admin/calendar/20x7")).status).toBe(400);
  });
});

describe("a year in neither source", () => {
  it("counts weekends only and logs one warning per year naming the year and the route to fix it", async () => {
    const cal = h.runtime.domain.calendar;
    expect(cal.isWorkingDay("2028-05-01")).toBe(true); // 劳动节 unknown: a Monday like any other
    expect(cal.isWorkingDay("2028-05-06")).toBe(false); // Saturday
    expect(cal.addWorkingDays("2028-04-28", 1)).toBe("2028-05-01");
    expect(cal.workingDaysBetween("2028-01-01", "2028-12-31")).toBe(260);
    cal.nextWorkingDay("2028-12-30");
    const warnings = calendarWarnings(2028);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ year: 2028, fix: "PUT /admin/calendar/2028" });
    expect(String(warnings[0]!.msg)).toContain("PUT /admin/calendar/2028");
    // Spanning into 2029 names 2029 once too; package years never warn.
    cal.addWorkingDays("2028-12-29", 5);
    cal.addWorkingDays("2028-12-29", 6);
    expect(calendarWarnings(2029)).toHaveLength(1);
    cal.isWorkingDay("2026-10-01");
    expect(calendarWarnings(2026)).toHaveLength(0);
    expect(calendarWarnings(2028)).toHaveLength(1);
  });
});
