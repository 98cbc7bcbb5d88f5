// IP risk reminders over 400 simulated days for a demo enterprise, through the job as registered
// and the real WeCom route: every digest the manager gets and when (working days 09:00 only —
// never at night, on a weekend or in the National Day holiday), what each names, the agency staff's
// warnings 7 days before an unhandled deadline, 已处理 (the next annuity follows), 稍后提醒 (3 days),
// 需要帮助 (a service request of the right kind) — and a second run of every tick changes nothing.
import { afterEach, describe, expect, it } from "vitest";
import { jobCatalogue } from "../../src/app/jobs/product-jobs.ts";
import { syncAssetDeadlines } from "../../src/app/ip/asset-deadlines.ts";
import { addDays } from "../../src/domain/ip/ip-dates.ts";
import { operatingStudio, tap } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const at = (date: string, time = "09:00") => new Date(`${date}T${time}:00+08:00`);
let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});

const ASSETS = [
  { kind: "PATENT_INVENTION", title: "一种节能灯具", number: "ZL201810000001.1", naturalKey: "ZL201810000001.1", filingDate: "2018-10-03", grantDate: "2021-05-20", annuityPaidYear: 8, feeReductionPct: 85 },
  { kind: "TRADEMARK", title: "榄盛", number: "20000001", naturalKey: "20000001", grantDate: "2017-03-07" },
  { kind: "TRADE_FAIR", title: "第 141 届广交会", naturalKey: "第 141 届广交会|2027-04-15", startDate: "2027-04-15", endDate: "2027-04-19", countries: "CN" },
  { kind: "INSURANCE", title: "海外知识产权侵权责任险", number: "PICC-2026-88", naturalKey: "PICC-2026-88", insurer: "人保财险", expiryDate: "2027-06-30" },
];

describe("IP risk reminders over a year", () => {
  it("[7.2.4 b] [7.2.4 c] 400 days: digests on working days at 09:00 only, acks, snoozes, help, agency warnings; every tick run twice changes nothing", async () => {
    let studio;
    ({ h, studio } = await operatingStudio({ start: at("2026-09-01", "08:00") }));
    const prisma = h.t.db.prisma;
    // applicant1 is the studio's designated manager (the digest's recipient).
    await prisma.studioMember.updateMany({ where: { studioId: studio.id, side: "ENTERPRISE" }, data: { isManager: true } });
    await prisma.$transaction(async (tx) => {
      for (const a of ASSETS) {
        const asset = await tx.ipAsset.create({ data: { enterpriseId: studio.enterpriseId, source: "import", ...a } });
        await syncAssetDeadlines(tx, asset.id, { today: "2026-09-01", calendar: h.runtime.domain.calendar });
      }
    });
    const job = jobCatalogue({ prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain }).find((j) => j.name === "ip-reminders")!;
    const log: { day: string; time: string; to: string; text: string }[] = [];
    const seen = new Map<string, number>();
    const collect = (day: string, time: string) => {
      for (const u of ["applicant1", "liuyang"]) {
        const all = h.to(u);
        for (const m of all.slice(seen.get(u) ?? 0)) log.push({ day, time, to: u, text: m.content ?? `[card] ${JSON.stringify(m.templateCard)}` });
        seen.set(u, all.length);
      }
    };
    const actions: Record<string, () => Promise<void>> = {
      // The first annuity: paid → the next year's annuity is computed.
      "2026-10-08": () => tap(h, "applicant1", "1 已处理", "ipr-"),
      "2026-12-07": async () => void (await h.text("applicant1", "稍后提醒 1")),
      "2027-03-05": () => tap(h, "applicant1", "1 已处理", "ipr-"),
      "2027-03-16": () => tap(h, "applicant1", "1 需要帮助", "ipr-"),
    };
    let outboxBefore = 0;
    for (let day = "2026-09-01"; day <= "2027-10-05"; day = addDays(day, 1)) {
      for (const time of ["02:00", "09:00", "14:00", "20:00"]) {
        h.clock.set(at(day, time));
        await job.run(at(day, time));
        await h.settle();
        collect(day, time);
        // The same tick again, past the job's own claim: the database keeps it from sending twice.
        outboxBefore = await prisma.outboxMessage.count();
        await h.runtime.domain.reminders.run(at(day, time));
        expect(await prisma.outboxMessage.count(), `${day} ${time}`).toBe(outboxBefore);
        if (time === "09:00" && actions[day]) {
          h.clock.set(at(day, "10:00"));
          await actions[day]!();
          await h.settle();
          collect(day, "10:00");
        }
      }
    }

    const digests = log.filter((l) => l.to === "applicant1" && l.text.startsWith("【知识产权风险提醒】"));
    // Every digest at 09:00 on a working day, with its card of buttons right after it (2 messages).
    for (const d of digests) expect(d.time, d.day).toBe("09:00");
    const byDay = (day: string) => digests.filter((d) => d.day === day).map((d) => d.text);
    expect(digests.map((d) => d.day)).toEqual([
      "2026-09-01", // catch-up: the annuity's 90-day and the trademark's window-open milestones had passed
      "2026-09-08", // annuity: 30 days
      "2026-10-08", // annuity: 7 (10-01) and 1 (10-07) fell in the National Day holiday: one digest on its due day
      "2026-12-07", // trademark: 90 days (12-06 is a Sunday)
      "2026-12-10", // the snooze of 12-07 ends
      "2027-02-04", // trademark: 30 days
      "2027-03-01", // trademark: 7 days (02-27 is a Saturday)
      "2027-03-05", // trademark: 1 day
      "2027-03-16", // trade fair: 30 days
      "2027-04-08", // trade fair: 7 days
      "2027-05-03", // insurance: 60 days (05-01 is a Saturday)
      "2027-06-15", // insurance: 15 days
      "2027-07-06", // the next annuity (year 10, due 2027-10-04): 90 days
      "2027-09-06", // 30 days (09-04 is a Saturday)
      "2027-09-27", // 7 days
      "2027-10-04", // 1 day (10-03 is a Sunday), the due day
    ]);
    for (const d of digests) {
      const sameDay = log.filter((l) => l.to === "applicant1" && l.day === d.day && l.time === "09:00");
      expect(sameDay.map((l) => l.text.slice(0, 6)), d.day).toEqual(["【知识产权风", "[card]"]);
    }
    expect(byDay("2026-09-01")[0]).toContain("2 项期限临近");
    expect(byDay("2026-09-01")[0]).toContain("1. 【发明专利】一种节能灯具（ZL201810000001.1） 第 9 年年费：2026-10-08 到期（还有 37 天）；年费 2,000 元，费减后应缴 300 元");
    expect(byDay("2026-09-01")[0]).toContain("2. 【商标】榄盛（20000001） 商标续展：2027-03-06 到期");
    expect(byDay("2026-10-08")[0]).toContain("今天（2026-10-08）到期");
    expect(byDay("2027-07-06")[0]).toContain("第 10 年年费：2027-10-04 到期（还有 90 天）；年费 4,000 元，费减后应缴 600 元");
    expect(byDay("2027-03-16")[0]).toContain("展前知识产权风险排查（第 141 届广交会）");
    expect(byDay("2027-05-03")[0]).toContain("海外知识产权保险续保");

    // 7 days before a deadline still not 已处理, the studio's agency staff hear of it, once.
    const agency = log.filter((l) => l.to === "liuyang" && l.text.startsWith("【知识产权期限预警】"));
    expect(agency.map((a) => a.day)).toEqual(["2026-10-08", "2027-03-01", "2027-04-08", "2027-06-23", "2027-09-27"]);

    // The replies to the actions.
    expect(log.find((l) => l.day === "2026-10-08" && l.time === "10:00" && l.to === "applicant1")?.text).toBe("已记录“一种节能灯具 第 9 年年费”已处理，此项不再提醒。");
    expect(log.find((l) => l.day === "2026-12-07" && l.time === "10:00" && l.to === "applicant1")?.text).toBe("好的，2026-12-10 再提醒您。");
    const help = await prisma.serviceRequest.findFirstOrThrow();
    expect(help).toMatchObject({ category: "d", subItem: "7.2.4 b", status: "OPEN" });
    expect(help.description).toContain("第 141 届广交会");
    expect((await prisma.ipAsset.findFirstOrThrow({ where: { kind: "PATENT_INVENTION" } })).annuityPaidYear).toBe(9);
    expect((await prisma.ipAsset.findFirstOrThrow({ where: { kind: "TRADEMARK" } })).expiryDate).toBe("2037-03-06");
  }, 300_000);
});
