// IP risk reminders are sent once whatever runs them: two instances' passes at the same moment
// send one digest; a server down for weeks sends one digest with the latest milestone of each
// deadline, not one per missed milestone; quiet hours hold everything back.
import { afterEach, describe, expect, it } from "vitest";
import { syncAssetDeadlines } from "../../src/app/ip/asset-deadlines.ts";
import { operatingStudio } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const at = (date: string, time = "09:00") => new Date(`${date}T${time}:00+08:00`);
let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});

async function enterpriseWithPatent(registeredOn: string) {
  let studio;
  ({ h, studio } = await operatingStudio({ start: at(registeredOn, "08:00") }));
  await h.t.db.prisma.studioMember.updateMany({ where: { studioId: studio.id, side: "ENTERPRISE" }, data: { isManager: true } });
  await h.t.db.prisma.$transaction(async (tx) => {
    const a = await tx.ipAsset.create({ data: { enterpriseId: studio.enterpriseId, kind: "PATENT_UTILITY", title: "一种夹具", number: "ZL202010000002.X", naturalKey: "ZL202010000002.X", filingDate: "2020-12-15", grantDate: "2021-06-01", annuityPaidYear: 6 } });
    await syncAssetDeadlines(tx, a.id, { today: registeredOn, calendar: h.runtime.domain.calendar });
  });
  return studio;
}
const digests = () => h.to("applicant1").filter((m) => (m.content ?? "").startsWith("【知识产权风险提醒】"));

describe("IP risk reminders, exactly once", () => {
  it("two instances' passes at the same moment send one digest; a rerun sends nothing", async () => {
    await enterpriseWithPatent("2026-09-14"); // year 7 due 2026-12-15: the 90-day milestone is 2026-09-16
    h.clock.set(at("2026-09-16"));
    const [a, b] = await Promise.all([h.runtime.domain.reminders.run(at("2026-09-16")), h.runtime.domain.reminders.run(at("2026-09-16"))]);
    await h.settle();
    expect(a.digests + b.digests).toBe(1);
    expect(await h.runtime.domain.reminders.run(at("2026-09-16", "15:00"))).toMatchObject({ digests: 0 });
    await h.settle();
    expect(digests()).toHaveLength(1);
    expect(await h.t.db.prisma.reminderDelivery.count()).toBe(1);
  });

  it("after weeks down, one digest with the latest milestone; nothing at night or on a weekend", async () => {
    await enterpriseWithPatent("2026-09-14");
    h.clock.set(at("2026-12-14"));
    expect(await h.runtime.domain.reminders.run(at("2026-12-12", "09:00"))).toMatchObject({ digests: 0 }); // Saturday
    expect(await h.runtime.domain.reminders.run(at("2026-12-14", "07:30"))).toMatchObject({ digests: 0 }); // before hours
    // Down since September: 90 (09-16), 30 (11-15), 7 (12-08) and 1 (12-14) have come; only the latest goes out.
    expect(await h.runtime.domain.reminders.run(at("2026-12-14", "09:00"))).toMatchObject({ digests: 1, items: 1 });
    await h.settle();
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.content).toContain("第 7 年年费：2026-12-15 到期（还有 1 天）");
    expect((await h.t.db.prisma.reminderDelivery.findMany()).map((d) => d.milestone)).toEqual(["1"]);
    expect(await h.runtime.domain.reminders.run(at("2026-12-14", "16:00"))).toMatchObject({ digests: 0 });
  });
});
