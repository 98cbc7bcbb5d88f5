import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isoWeek, remindStudioRosters, remindStudioSetup, type StudioJobDeps } from "../../src/app/jobs/studio-jobs.ts";
import { confirmSetup, recordSetupItem, submitSetup } from "../../src/app/studios/setup-checklist.ts";
import { addMember, designateManager, removeMember } from "../../src/app/studios/studio-members.ts";
import type { StudioActor } from "../../src/app/studios/studio-records.ts";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

// Approved on Wednesday 2026-11-25, 10:00 in Zhongshan.
const APPROVED = new Date("2026-11-25T02:00:00Z");
const at = (date: string, hour = 10) => new Date(`${date}T${String(hour - 8).padStart(2, "0")}:00:00Z`);
const ADMIN: StudioActor = { personId: null, role: "ADMIN", channel: "admin-api" };

describe("studio jobs: set-up and roster reminders", () => {
  let h: WecomHarness;
  let deps: StudioJobDeps;
  const texts = async (userId: string) => (await h.t.db.prisma.outboxMessage.findMany({ where: { externalUserId: userId }, orderBy: { seq: "asc" } })).map((m) => (JSON.parse(m.payloadJson) as { text?: string }).text ?? "");
  beforeEach(async () => {
    h = await createWecomHarness({ clock: testClock(APPROVED) });
    await linkDemoOfficers(h);
    deps = { prisma: h.t.db.prisma, calendar: createChineseWorkingCalendar(), timeZone: "Asia/Shanghai" };
  });
  afterEach(async () => {
    await h.close();
  });

  it("[6.3 b] the manager is reminded every 5 working days of what is still to record, once per period; once submitted the city IP officer is; none after confirmation", async () => {
    const { studio, applicant } = await approvedStudio(h, "applicant1", "中山市明珠智能装备有限公司");
    const manager: StudioActor = { personId: applicant.id, channel: "wecom" };
    const reminders = async () => (await texts("applicant1")).filter((t) => t.startsWith("【工作室建设提醒】"));
    const before = (await texts("applicant1")).length;

    // 4 working days after approval (Thu, Fri, Mon, Tue): not yet.
    expect(await remindStudioSetup(deps, at("2026-12-01"))).toEqual({ reminded: 0 });
    // The 5th working day: one reminder naming all three items; a second run or a second instance adds nothing.
    const [a, b] = await Promise.all([remindStudioSetup(deps, at("2026-12-02")), remindStudioSetup(deps, at("2026-12-02", 11))]);
    expect(a.reminded + b.reminded).toBe(1);
    expect(await remindStudioSetup(deps, at("2026-12-03"))).toEqual({ reminded: 0 });
    expect(await remindStudioSetup(deps, at("2026-12-05"))).toEqual({ reminded: 0 }); // Saturday
    expect(await reminders()).toEqual([`【工作室建设提醒】工作室 ${studio.number}（中山市明珠智能装备有限公司）尚未完成建设（6.3 b），还需登记：固定的工作场所、基本的办公软、硬件设备、在办公场所标明工作室标志。请发送“工作室建设”逐项登记（可附照片），完成后提交市局知识产权科室确认。`]);
    expect((await texts("applicant1")).length).toBe(before + 1);

    // The workplace recorded: ten working days in, only the other two are named.
    await h.t.db.prisma.$transaction((t) => recordSetupItem(t, { studio: studio.number, item: "WORKPLACE", note: "中山港大道 88 号" }, manager, at("2026-12-04")));
    expect(await remindStudioSetup(deps, at("2026-12-09"))).toEqual({ reminded: 1 });
    expect((await reminders()).at(-1)).toContain("还需登记：基本的办公软、硬件设备、在办公场所标明工作室标志。");

    // Submitted: the confirmation is what waits, so the city IP officer hears of it.
    for (const item of ["EQUIPMENT", "SIGN"] as const) await h.t.db.prisma.$transaction((t) => recordSetupItem(t, { studio: studio.number, item, note: "已配备" }, manager, at("2026-12-10")));
    const { round } = await h.t.db.prisma.$transaction((t) => submitSetup(t, studio.number, manager, at("2026-12-10")));
    expect(await remindStudioSetup(deps, at("2026-12-16"))).toEqual({ reminded: 1 });
    expect((await texts("zhanglei")).at(-1)).toBe(`【工作室建设待确认】工作室 ${studio.number}（中山市明珠智能装备有限公司）已于 2026-12-10 提交建设清单（6.3 b），请核实后确认或退回补充。`);
    expect(await reminders()).toHaveLength(2);

    await h.t.db.prisma.$transaction((t) => confirmSetup(t, { studio: studio.number, round }, { personId: "demo-city-ip", channel: "wecom" }, at("2026-12-17"), { name: "张磊" }));
    expect(await remindStudioSetup(deps, at("2026-12-23"))).toEqual({ reminded: 0 });
    expect(await h.t.db.prisma.jobRun.findMany({ where: { job: "studio-setup-reminder" }, select: { slot: true }, orderBy: { slot: "asc" } })).toEqual([1, 2, 3].map((p) => ({ slot: `${studio.id}:${p}` })));
  });

  it("[6.3 b] with no enterprise member left on the roster, the enterprise's ENTERPRISE_MANAGER still gets the set-up reminder", async () => {
    const { studio, applicant } = await approvedStudio(h, "applicant1", "中山市明珠智能装备有限公司");
    // Designated as the manager (6.4 b: that grants ENTERPRISE_MANAGER; approval alone no longer does).
    await h.t.db.prisma.$transaction((t) => designateManager(t, { studio: studio.number, personId: applicant.id, facts: { inManagement: true, techMgmtExperience: true, ipKnowledge: true } }, ADMIN, at("2026-11-25")));
    const member = await h.t.db.prisma.studioMember.findFirstOrThrow({ where: { studioId: studio.id } });
    await h.t.db.prisma.$transaction((t) => removeMember(t, { studio: studio.number, memberId: member.id }, ADMIN, at("2026-11-26")));
    expect(await remindStudioSetup(deps, at("2026-12-02"))).toEqual({ reminded: 1 });
    expect((await texts("applicant1")).at(-1)).toContain("【工作室建设提醒】");
  });

  it("[6.4 a] each week the city IP officer of a studio short of staff is told exactly what is missing, once a week, until the roster complies", async () => {
    const { studio, applicant } = await approvedStudio(h, "applicant1", "中山市明珠智能装备有限公司");
    const officer = async () => (await texts("zhanglei")).filter((t) => t.startsWith("【工作室人员配备提醒】"));

    expect(await remindStudioRosters(deps, at("2026-11-29"))).toEqual({ reminded: 0 }); // Sunday
    expect(await remindStudioRosters(deps, at("2026-11-30"))).toEqual({ reminded: 1 });
    expect(await remindStudioRosters(deps, at("2026-12-01"))).toEqual({ reminded: 0 }); // same ISO week
    expect((await officer())[0]).toBe(
      [
        `【工作室人员配备提醒】工作室 ${studio.number}（中山市明珠智能装备有限公司）人员配备尚缺：`,
        "· 市局知识产权相关科室兼职人员还差 2 名（至少 2 名，现有 0 名）",
        "· 镇街市场监督管理分局兼职人员还差 1 名（至少 1 名，现有 0 名）",
        "· 知识产权服务机构本科以上学历专职人员还差 2 名（至少 2 名，现有 0 名）",
        "· 企业尚未从管理层中指定专人作为工作室管理者",
        "请补齐人员（发送“工作室情况”查看）。",
      ].join("\n"),
    );

    // Fill every seat but one: next week names only that one, to the studio's own city IP member.
    const add = (personId: string, side: "CITY_IP" | "TOWN" | "AGENCY" | "ENTERPRISE", extra: object = {}) =>
      h.t.db.prisma.$transaction((t) => addMember(t, { studio: studio.number, personId, side, employment: side === "AGENCY" || side === "ENTERPRISE" ? "FULL_TIME" : "PART_TIME", ...extra }, ADMIN, at("2026-12-02")));
    const second = (await h.t.db.prisma.person.create({ data: { name: "赵敏", roles: { create: [{ role: "CITY_IP_OFFICER" }] }, identities: { create: [{ channel: "wecom", externalId: "zhaomin" }] } } })).id;
    const staff2 = (await h.t.db.prisma.person.create({ data: { name: "孙悦", education: "bachelor", roles: { create: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] } } })).id;
    await add("demo-city-ip", "CITY_IP");
    await add(second, "CITY_IP");
    await add("demo-town-xiaolan", "TOWN");
    await add("demo-agency-staff", "AGENCY");
    await add(applicant.id, "ENTERPRISE", { managerFacts: { inManagement: true, techMgmtExperience: true, ipKnowledge: true } });
    expect(await remindStudioRosters(deps, at("2026-12-07"))).toEqual({ reminded: 1 });
    const latest = (await officer()).at(-1)!;
    expect(latest.split("\n").filter((l) => l.startsWith("· "))).toEqual(["· 知识产权服务机构本科以上学历专职人员还差 1 名（至少 2 名，现有 1 名）"]);
    expect((await texts("zhaomin")).at(-1)).toBe(latest);

    await add(staff2, "AGENCY");
    expect(await remindStudioRosters(deps, at("2026-12-14"))).toEqual({ reminded: 0 });
    expect(await officer()).toHaveLength(2);
  });

  it("names ISO weeks across a year's end", () => {
    expect(isoWeek("2026-11-30")).toBe("2026-W49");
    expect(isoWeek("2026-12-06")).toBe("2026-W49");
    expect(isoWeek("2027-01-01")).toBe("2026-W53");
    expect(isoWeek("2027-01-04")).toBe("2027-W01");
    expect(isoWeek("2025-12-29")).toBe("2026-W01");
  });
});
