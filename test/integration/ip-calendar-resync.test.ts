// A holiday year loaded after deadlines were computed (the State Council publishes it late in the
// year before): the deadlines of that year move with it — the same reminder row, its deliveries
// kept, so a milestone already sent is not sent again.
import { afterEach, describe, expect, it } from "vitest";
import { syncAssetDeadlines } from "../../src/app/ip/asset-deadlines.ts";
import { operatingStudio } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "calendar-admin-token-0123456789";
const at = (date: string, time = "09:00") => new Date(`${date}T${time}:00+08:00`);
let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});

describe("IP deadlines and the holiday calendar", () => {
  it("PUT /admin/calendar/2027 moves a 2027 annuity off its new holiday; the row and its sent milestone stay", async () => {
    let studio;
    ({ h, studio } = await operatingStudio({ start: at("2026-11-02", "08:00"), env: { ADMIN_TOKEN: TOKEN } }));
    const prisma = h.t.db.prisma;
    await prisma.studioMember.updateMany({ where: { studioId: studio.id, side: "ENTERPRISE" }, data: { isManager: true } });
    // Year 8 of a utility model filed 2020-02-01 is due 2027-02-01 (a Monday: weekends only, 2027 not published yet).
    await prisma.$transaction(async (tx) => {
      const a = await tx.ipAsset.create({ data: { enterpriseId: studio.enterpriseId, kind: "PATENT_UTILITY", title: "一种模具", number: "ZL202020000003.5", naturalKey: "ZL202020000003.5", filingDate: "2020-02-01", grantDate: "2020-09-01", annuityPaidYear: 7 } });
      await syncAssetDeadlines(tx, a.id, { today: "2026-11-02", calendar: h.runtime.domain.calendar });
    });
    const before = await prisma.reminder.findFirstOrThrow({ where: { kind: "ANNUITY" } });
    expect(before.dueDate).toBe("2027-02-01");
    h.clock.set(at("2026-11-03"));
    expect(await h.runtime.domain.reminders.run(at("2026-11-03"))).toMatchObject({ digests: 1 }); // the 90-day milestone (11-03)
    // A Spring Festival week over 2027-02-01 (test data shaped like a notice, not the official one).
    const holidays = ["2027-01-30", "2027-01-31", "2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04", "2027-02-05"];
    const res = await h.runtime.app.request("/admin/calendar/2027", { method: "PUT", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ holidays, makeupWorkdays: ["2027-02-06"], note: "测试数据" }) });
    expect(res.status).toBe(200);
    const after = await prisma.reminder.findMany({ where: { kind: "ANNUITY" } });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before.id, status: "PENDING", dueDate: "2027-02-06" }); // the make-up Saturday is the next working day
    expect(await prisma.reminderDelivery.count({ where: { reminderId: before.id, milestone: "90" } })).toBe(1);
    // The 90-day milestone, now 2026-11-08 (a Sunday), is not sent again on the Monday.
    h.clock.set(at("2026-11-09"));
    expect(await h.runtime.domain.reminders.run(at("2026-11-09"))).toMatchObject({ digests: 0 });
  });
});
