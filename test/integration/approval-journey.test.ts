import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const OFFICERS = { town: ["demo-town-xiaolan", "zhoumin"], cityIp: ["demo-city-ip", "zhanglei"], leader: ["demo-city-leader", "wangfang"] } as const;

/** The applicant's typed answers; the town question accepts the suggestion from the address. */
function typedAnswers(): string[] {
  return HAPPY.map(([field, typed]) => (field === "townId" ? "是" : typed));
}

function lastCard(h: WecomHarness, userId: string) {
  const cards = h.to(userId).filter((s) => s.msgtype === "template_card");
  return cards[cards.length - 1]?.templateCard as { task_id: string; main_title?: { title?: string } } | undefined;
}

function textsTo(h: WecomHarness, userId: string): string {
  return h.to(userId).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");
}

describe("application and approval journey through WeCom [6.2, 6.3 a, A.1]", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness({ clock: undefined });
    // The demo officers use WeCom too.
    for (const [personId, wecomId] of Object.values(OFFICERS)) {
      await h.t.db.prisma.channelIdentity.create({ data: { personId, channel: "wecom", externalId: wecomId } });
    }
  });
  afterEach(async () => {
    await h.close();
  });

  it("applies, approves, returns one field, resubmits and ends with a studio number — everyone notified, all audited", async () => {
    await h.text("chenxm", "申请工作室");
    const answers = typedAnswers();
    // Restart in the middle: a new runtime over the same database picks the conversation up.
    for (const a of answers.slice(0, 15)) await h.text("chenxm", a);
    await h.settle();
    h.restart();
    for (const a of answers.slice(15)) await h.text("chenxm", a);
    expect(textsTo(h, "chenxm")).toContain("确认提交申请？");
    await h.text("chenxm", "确认提交");

    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app).toMatchObject({
      status: "IN_REVIEW",
      stage: 1,
      enterpriseName: "中山市某某（中国）科技有限公司",
      uscc: "91350100M000100Y43",
      registeredAddress: "中山市小榄镇升平路1号",
      townId: "xiaolan",
      listingStatus: "main-board",
      registeredCapitalYuan: 5_000_000n,
      headcount: 120,
      revenueYuan: 12_005_000n,
      isAboveScale: false,
      specialisedLevel: "little-giant",
      isLeadingReserve: true,
      isIpKeyProtection: false,
      headName: "张三",
      headMobile: "13800138000",
      contactName: "李四",
      contactMobile: "13912345678",
      hasIpDepartment: true,
      ipDepartmentName: "知识产权部",
      ipStaffCount: 3,
      ipRulesYear: 2018,
      gbt29490Year: null,
      demoEnterprise: '["national","provincial"]',
      advantageEnterprise: "[]",
      highTechYear: 2022,
      patentAward: '["provincial"]',
      validInvention: 12,
      validUtility: 30,
      validTrademarkOverseas: 0,
      needs: '["a","c","g"]',
      needsOther: "商标海外注册咨询",
      headConfirmation: "SELF",
    });

    // Stage 1: the 小榄 town officer approves from the card.
    const c1 = lastCard(h, "zhoumin")!;
    expect(JSON.stringify(c1)).toContain("第1/3阶段");
    expect(h.to("zhanglei")).toHaveLength(0);
    await h.click("zhoumin", "ap:approve", c1.task_id);
    expect(h.fake.updates.some((u) => u.taskId === c1.task_id && u.replaceName === "已同意")).toBe(true);

    // Stage 2: the city IP officer returns the registered capital.
    const c2 = lastCard(h, "zhanglei")!;
    expect(JSON.stringify(c2)).toContain("第2/3阶段");
    await h.click("zhanglei", "ap:return", c2.task_id);
    expect(textsTo(h, "zhanglei")).toContain("请输入退回修改的意见");
    await h.text("zhanglei", "注册资本与营业执照不一致");
    expect(textsTo(h, "zhanglei")).toContain("6. 注册资本：500 万元");
    await h.text("zhanglei", "6");
    expect((await h.t.db.prisma.application.findFirstOrThrow()).status).toBe("RETURNED");

    // The applicant sees the opinion and is asked only for that field.
    expect(textsTo(h, "chenxm")).toContain("注册资本与营业执照不一致");
    await h.text("chenxm", "600");
    await h.text("chenxm", "确认提交");
    const resubmitted = await h.t.db.prisma.application.findFirstOrThrow();
    expect(resubmitted).toMatchObject({ status: "IN_REVIEW", stage: 2, version: 2, registeredCapitalYuan: 6_000_000n, headcount: 120 });

    // Back to stage 2 (a new card), then the city leader decides and the number is assigned.
    const c2b = lastCard(h, "zhanglei")!;
    expect(c2b.task_id).not.toBe(c2.task_id);
    await h.click("zhanglei", "ap:approve", c2b.task_id);
    const c3 = lastCard(h, "wangfang")!;
    expect(JSON.stringify(c3)).toContain("第3/3阶段");
    await h.click("wangfang", "ap:approve", c3.task_id);

    const done = await h.t.db.prisma.application.findFirstOrThrow({ include: { studio: true } });
    const year = new Date().getFullYear();
    expect(done.status).toBe("APPROVED");
    expect(done.studioNumber).toBe(`ZSIPS-${year}-001`);
    expect(done.studio).toMatchObject({ number: `ZSIPS-${year}-001`, status: "SETTING_UP" });
    for (const user of ["chenxm", "zhoumin", "zhanglei", "wangfang"]) expect(textsTo(h, user), user).toContain(`ZSIPS-${year}-001`);
    // The enterprise carries the A.1 facts; the applicant is a full-time enterprise member, and is
    // asked who manages the studio (6.4 b): approval alone makes nobody ENTERPRISE_MANAGER.
    const enterprise = await h.t.db.prisma.enterprise.findUniqueOrThrow({ where: { id: done.enterpriseId! } });
    expect(enterprise).toMatchObject({ name: "中山市某某（中国）科技有限公司", uscc: "91350100M000100Y43", townId: "xiaolan", registeredCapitalYuan: 6_000_000n });
    const member = await h.t.db.prisma.studioMember.findFirstOrThrow({ where: { studioId: done.studio!.id } });
    expect(member).toMatchObject({ personId: done.applicantId, side: "ENTERPRISE", employment: "FULL_TIME" });
    expect(await h.t.db.prisma.roleGrant.count({ where: { personId: done.applicantId, role: "ENTERPRISE_MANAGER", enterpriseId: enterprise.id } })).toBe(0);
    expect(textsTo(h, "chenxm")).toContain("请确认工作室管理者");

    const audit = await h.t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual([
      "application.submitted",
      "approval.approve",
      "approval.return",
      "application.resubmitted",
      "approval.approve",
      "approval.approve",
    ]);
    expect(audit.filter((a) => a.action.startsWith("approval.")).every((a) => a.actorId && a.channel === "wecom" && a.actorRole)).toBe(true);
    expect(JSON.parse(audit[2]!.detailJson)).toMatchObject({ opinion: "注册资本与营业执照不一致", returnFields: ["registeredCapitalWan"] });
  });

  it("records exactly one decision for 100 concurrent taps on the same stage", async () => {
    // 100 officers of 小榄, each with a card for the same pending stage.
    const ids = Array.from({ length: 100 }, (_, i) => `officer${i}`);
    for (const id of ids) {
      await h.t.db.prisma.person.create({ data: { name: `官员${id}`, identities: { create: [{ channel: "wecom", externalId: id }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } } });
    }
    await h.text("chenxm", "申请工作室");
    for (const a of typedAnswers()) await h.text("chenxm", a);
    await h.text("chenxm", "确认提交");
    const cards = ids.map((id) => ({ id, card: lastCard(h, id)! }));
    expect(cards.every((c) => c.card)).toBe(true);
    // Plus the same officer tapping twice (a second later, so not a redelivery).
    await Promise.all([...cards.map((c) => h.click(c.id, "ap:approve", c.card.task_id)), h.click(ids[0]!, "ap:approve", cards[0]!.card.task_id)]);
    await h.settle();
    const steps = await h.t.db.prisma.approvalStep.findMany({ orderBy: { stage: "asc" } });
    expect(steps.map((s) => [s.stage, s.status])).toEqual([
      [1, "APPROVED"],
      [2, "PENDING"],
    ]);
    const audit = await h.t.db.prisma.auditLog.findMany();
    expect(audit.filter((a) => a.action === "approval.approve")).toHaveLength(1);
    expect(audit.filter((a) => a.action === "approval.refused")).toHaveLength(100);
    const winner = await h.t.db.prisma.channelIdentity.findFirstOrThrow({ where: { personId: steps[0]!.decidedById! } });
    const loser = ids.find((id) => id !== winner.externalId)!;
    expect(textsTo(h, loser)).toMatch(/该阶段已由 官员officer\d+ 于 \d\d-\d\d \d\d:\d\d 同意/);
    // Stage 2 opened once: one card per channel identity of the city IP officer (web + WeCom).
    expect(await h.t.db.prisma.sentCard.count({ where: { approvalStep: { stage: 2 } } })).toBe(2);
  });

  it("holds exactly once in the database too: 100 simultaneous decide() calls, no queue in front", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `direct${i}`);
    for (const id of ids) {
      await h.t.db.prisma.person.create({ data: { id, name: `官员${id}`, identities: { create: [{ channel: "wecom", externalId: id }] }, roles: { create: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] } } });
    }
    await h.text("chenxm", "申请工作室");
    for (const a of typedAnswers()) await h.text("chenxm", a);
    await h.text("chenxm", "确认提交");
    const cards = await h.t.db.prisma.sentCard.findMany({ where: { personId: { in: ids } } });
    expect(cards).toHaveLength(100);
    const { approvals } = h.runtime.domain;
    const outcomes = await Promise.allSettled(
      cards.map(async (c) => approvals.decide({ person: (await h.runtime.services.directory.get(c.personId!))!, channel: "wecom", cardId: c.id, decision: "APPROVE" })),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "rejected").every((o) => (o as PromiseRejectedResult).reason.code === "conflict")).toBe(true);
    expect(await h.t.db.prisma.approvalStep.count({ where: { stage: 1, status: "APPROVED" } })).toBe(1);
    expect(await h.t.db.prisma.approvalStep.count({ where: { stage: 2 } })).toBe(1);
  });
});
