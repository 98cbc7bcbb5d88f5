// The calendar-check job (issue 13): in December, ADMIN hears once when next year's holiday
// schedule is in neither the chinese-days package nor the CalendarYear table. Run as an admin would
// (POST /admin/jobs/calendar-check/run?at=…, the real catalogue entry, claim and outbox), over days.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALENDAR_CHECK_JOB, CALENDAR_WARNING_CLAIM } from "../../src/app/calendar/calendar-check.ts";
import { linkDemoOfficers, OFFICER_USERS } from "../support/approved-studio.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-calendar-check-0123";
const ADMIN_USER = OFFICER_USERS["demo-admin"];
const auth = { authorization: `Bearer ${TOKEN}` };

let h: WecomHarness;
beforeEach(async () => {
  h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN }, clock: testClock(new Date("2026-11-25T02:00:00Z")) });
  await linkDemoOfficers(h);
});
afterEach(async () => {
  await h?.close();
});

/** Runs the job as of 09:20 in Zhongshan on `date` (its default schedule's time). */
const runOn = async (date: string) => {
  const res = await h.runtime.app.request(`/admin/jobs/${CALENDAR_CHECK_JOB}/run?at=${encodeURIComponent(`${date}T09:20:00+08:00`)}`, { method: "POST", headers: auth });
  expect(res.status).toBe(200);
  await h.settle();
  return (await res.json()) as { ran: boolean; outcome: { nextYear: number; source: string; warned: boolean; reason?: string } };
};
const adminTexts = () => h.to(ADMIN_USER).map((m) => m.content ?? "");

describe("calendar-check: next year's holidays missing in December", () => {
  it("sends ADMIN one message naming 2027 and how to load it, on a December working day, once", async () => {
    expect((await runOn("2026-11-30")).outcome).toMatchObject({ nextYear: 2027, source: "weekends-only", warned: false, reason: "not December" });
    expect((await runOn("2026-12-05")).outcome).toMatchObject({ warned: false, reason: "not a working day" }); // Saturday
    expect((await runOn("2026-12-06")).outcome).toMatchObject({ warned: false, reason: "not a working day" }); // Sunday
    expect(adminTexts()).toEqual([]);

    expect((await runOn("2026-12-07")).outcome).toMatchObject({ nextYear: 2027, warned: true }); // Monday
    const texts = adminTexts();
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("2027 年的法定节假日");
    expect(texts[0]).toContain("PUT /admin/calendar/2027");
    expect(texts[0]).toContain("国务院办公厅");

    // The same day again is the same claimed slot; later December days find the year's warning claimed.
    expect((await runOn("2026-12-07")).ran).toBe(false);
    for (const d of ["2026-12-08", "2026-12-14"]) expect((await runOn(d)).outcome).toMatchObject({ warned: false });
    expect(adminTexts()).toHaveLength(1);
    // Housekeeping drops claims after 30 days (a cron moved to just after midnight could lose it
    // before December ends): the message's dedupe key still keeps it to one.
    await h.t.db.prisma.jobRun.deleteMany({ where: { job: CALENDAR_WARNING_CLAIM } });
    await runOn("2026-12-31");
    expect(adminTexts()).toHaveLength(1);
  });

  it("says nothing when the year was loaded, also by another instance (the job re-reads the table)", async () => {
    const put = await h.runtime.app.request("/admin/calendar/2027", { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ holidays: ["2027-01-01", "2027-02-08"] }) });
    expect(put.status).toBe(200);
    expect((await runOn("2026-12-07")).outcome).toMatchObject({ nextYear: 2027, source: "admin", warned: false });

    // December 2027: 2028 written straight into the table, as another instance's PUT would.
    await h.t.db.prisma.calendarYear.create({ data: { year: 2028, holidaysJson: JSON.stringify(["2028-01-01"]), makeupJson: "[]", updatedAt: h.clock.now() } });
    expect((await runOn("2027-12-06")).outcome).toMatchObject({ nextYear: 2028, source: "admin", warned: false });
    expect(adminTexts()).toEqual([]);
  });

  it("a year the package has is not missing", async () => {
    expect((await runOn("2025-12-08")).outcome).toMatchObject({ nextYear: 2026, source: "package", warned: false });
    expect(adminTexts()).toEqual([]);
  });
});
