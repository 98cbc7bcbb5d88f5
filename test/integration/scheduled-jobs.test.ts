import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { productJobs } from "../../src/app/jobs/product-jobs.ts";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

// Wednesday 2026-11-25 10:00 in Zhongshan: a working day, in working hours.
const WED_10AM = new Date("2026-11-25T02:00:00Z");
const HOUR = 3_600_000;

describe("scheduled jobs", () => {
  let h: WecomHarness;
  let jobs: ReturnType<typeof productJobs>;
  const run = async (name: string) => {
    const job = jobs.find((j) => j.name === name)!;
    const r = await job.run(h.clock.now());
    await h.settle();
    return r;
  };
  beforeEach(async () => {
    h = await createWecomHarness({ clock: testClock(WED_10AM) });
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-city-ip", channel: "wecom", externalId: "zhanglei" } });
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-admin", channel: "wecom", externalId: "admin" } });
    jobs = productJobs({ prisma: h.t.db.prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain });
  });
  afterEach(async () => {
    await h.close();
  });

  it("nudges an abandoned application after 24 idle hours, in working hours, at most twice, never twice per slot", async () => {
    await h.text("chenxm", "申请工作室");
    await h.text("chenxm", "中山市榄盛五金制品有限公司");
    const before = h.to("chenxm").length;
    h.clock.advance(23 * HOUR);
    expect(await run("flow-nudges")).toBe(0); // not idle long enough (and 09:00 next day)
    h.clock.advance(2 * HOUR); // Thursday 11:00
    expect(await run("flow-nudges")).toBe(1);
    expect(await run("flow-nudges")).toBeNull(); // same slot: claimed already
    expect(h.to("chenxm").slice(before).map((s) => s.content).join()).toContain("还没填完");
    h.clock.advance(HOUR);
    expect(await run("flow-nudges")).toBe(0); // the second nudge waits another idle period
    h.clock.set(new Date("2026-11-28T03:00:00Z")); // Saturday: not a working day
    expect(await run("flow-nudges")).toBe(0);
    h.clock.set(new Date("2026-11-30T03:00:00Z")); // Monday
    expect(await run("flow-nudges")).toBe(1);
    h.clock.set(new Date("2026-12-02T03:00:00Z"));
    expect(await run("flow-nudges")).toBe(0); // at most 2 nudges
    // Answering again resumes normally and resets the count.
    await h.text("chenxm", "继续");
    expect((await h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { status: "ACTIVE" } })).nudges).toBe(0);
  });

  it("re-sends a due approval card once, escalates once after a second period, and lets the applicant urge once a day", async () => {
    await h.text("chenxm", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("chenxm", field === "townId" ? "是" : typed);
    await h.text("chenxm", "确认提交");
    const step = await h.t.db.prisma.approvalStep.findFirstOrThrow();
    expect(step.dueOn).toBe("2026-11-30"); // 3 working days from Wednesday: Thu, Fri, Mon
    const cards = () => h.to("zhoumin").filter((s) => s.msgtype === "template_card").length;
    expect(cards()).toBe(1);

    await h.text("chenxm", "催办");
    expect(cards()).toBe(2);
    await h.text("chenxm", "催办");
    expect(cards()).toBe(2);
    expect(h.to("chenxm").at(-1)!.content).toContain("今天已经催办过了");

    h.clock.set(new Date("2026-11-30T02:00:00Z")); // due day
    expect(await run("approval-reminders")).toEqual({ reminded: 1, escalated: 0 });
    expect(cards()).toBe(3);
    expect(JSON.stringify(h.to("zhoumin").at(-1)!.templateCard)).toContain("【催办】");
    h.clock.advance(HOUR);
    expect(await run("approval-reminders")).toEqual({ reminded: 0, escalated: 0 });

    h.clock.set(new Date("2026-12-03T02:00:00Z")); // due + 3 working days
    expect(await run("approval-reminders")).toEqual({ reminded: 0, escalated: 1 });
    expect(h.to("zhanglei").at(-1)!.content).toContain("【审批超时】");
    expect(h.to("admin").at(-1)!.content).toContain("【审批超时】");
    h.clock.advance(HOUR);
    expect(await run("approval-reminders")).toEqual({ reminded: 0, escalated: 0 });
  });

  it("lets the applicant withdraw before the final decision; the officer's card says so", async () => {
    await h.text("chenxm", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("chenxm", field === "townId" ? "是" : typed);
    await h.text("chenxm", "确认提交");
    await h.text("chenxm", "撤回申请");
    expect(h.to("chenxm").at(-1)!.content).toContain("确认撤回");
    await h.text("chenxm", "确认撤回");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app.status).toBe("WITHDRAWN");
    expect(h.to("zhoumin").at(-1)!.content).toContain("【已撤回】");
    // The card itself loses its buttons (its send-time response_code), besides the notice.
    expect(h.fake.updates.filter((u) => u.userids.includes("zhoumin")).map((u) => u.replaceName)).toEqual(["申请人已撤回"]);
    const card = h.to("zhoumin").find((s) => s.msgtype === "template_card")!.templateCard as { task_id: string };
    await h.click("zhoumin", "ap:approve", card.task_id);
    expect(h.to("zhoumin").at(-1)!.content).toMatch(/撤回|失效/);
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow()).status).toBe("CANCELLED");
  });
});

describe("housekeeping", () => {
  it("drops old dedupe keys, job claims, sent messages, expired tokens and link codes; keeps dead letters and the audit log", async () => {
    const h = await createWecomHarness({ clock: testClock(WED_10AM) });
    try {
      await h.text("old", "菜单");
      await h.text("old", "绑定");
      await h.t.db.prisma.outboxMessage.create({ data: { channel: "wecom", externalUserId: "x", payloadJson: "{}", status: "DEAD" } });
      await h.t.db.prisma.auditLog.create({ data: { action: "t", subjectType: "t", subjectId: "1" } });
      const jobs = productJobs({ prisma: h.t.db.prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain });
      const run = (d: Date) => jobs.find((j) => j.name === "housekeeping")!.run(d);
      expect(await h.t.db.prisma.channelToken.count()).toBe(1); // WeCom's access token, shared by every instance
      expect(await run(new Date(WED_10AM.getTime() + 10 * 86_400_000))).toEqual({ inbound: 0, jobRuns: 0, outbox: 0, channelTokens: 1, linkCodes: 1 });
      expect(await run(new Date(WED_10AM.getTime() + 200 * 86_400_000))).toEqual({ inbound: 2, jobRuns: 1, outbox: 2, channelTokens: 0, linkCodes: 0 });
      expect(await h.t.db.prisma.outboxMessage.count({ where: { status: "DEAD" } })).toBe(1);
      // The audit log keeps the test's row and the link code's issue.
      expect(await h.t.db.prisma.auditLog.count()).toBe(2);
    } finally {
      await h.close();
    }
  });
});
