import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// Returns, withdrawals and drafts meeting each other: nobody gets stuck, nothing is lost.
describe("application lifecycle edges", () => {
  let h: WecomHarness;
  const texts = (u: string) => h.to(u).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");
  const card = (u: string) => h.to(u).filter((s) => s.msgtype === "template_card").at(-1)!.templateCard as { task_id: string };
  const apply = async (u: string) => {
    await h.text(u, "申请工作室");
    for (const [field, typed] of HAPPY) await h.text(u, field === "townId" ? "是" : typed);
    await h.text(u, "确认提交");
  };
  const returnIt = async () => {
    await h.click("zhoumin", "ap:return", card("zhoumin").task_id);
    await h.text("zhoumin", "注册资本有误");
    await h.text("zhoumin", "6");
  };
  beforeEach(async () => {
    h = await createWecomHarness();
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-city-ip", channel: "wecom", externalId: "zhanglei" } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("frames the officer's opinion once in the revision request", async () => {
    await apply("a");
    await returnIt();
    const msg = h.to("a").map((s) => s.content ?? "").find((t) => t.includes("注册资本有误"))!;
    expect(msg.match(/审核意见/g)).toHaveLength(1);
  });

  it("lets an applicant withdraw a returned application and then start afresh", async () => {
    await apply("a");
    await returnIt();
    await h.text("a", "撤回申请");
    await h.text("a", "确认撤回");
    expect((await h.t.db.prisma.application.findFirstOrThrow()).status).toBe("WITHDRAWN");
    expect(await h.t.db.prisma.conversationSession.count({ where: { status: { in: ["ACTIVE", "CANCELLED"] } } })).toBe(0);
    await h.text("a", "申请工作室");
    // [6.2] It starts again from the withdrawn application's answers (known-facts.test.ts).
    expect(texts("a")).toContain("已载入您撤回的申请内容");
    expect(await h.t.db.prisma.conversationSession.count({ where: { status: "ACTIVE", contextJson: "{}" } })).toBe(1);
  });

  it("answers a revision that can no longer be submitted instead of failing silently", async () => {
    await apply("a");
    await returnIt();
    await h.text("a", "600"); // the revision reaches its summary…
    // …while another instance moves the application on (a race the session has not heard of).
    await h.t.db.prisma.application.updateMany({ data: { status: "WITHDRAWN", stage: null } });
    await h.text("a", "确认提交");
    expect(h.to("a").at(-1)!.content).toContain("本次修改未提交");
    expect(await h.t.db.prisma.inboundEvent.count({ where: { status: "FAILED" } })).toBe(0);
  });

  it("withdrawing after a stage moved on cancels the newly pending stage too", async () => {
    await apply("a");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    await h.click("zhoumin", "ap:approve", card("zhoumin").task_id); // moves to stage 2
    await h.t.db.prisma.$transaction((tx) => h.runtime.domain.approvals.withdraw(tx, app.id, { id: app.applicantId, channel: "wecom" }));
    const after = await h.t.db.prisma.application.findFirstOrThrow();
    expect(after.status).toBe("WITHDRAWN");
    expect(await h.t.db.prisma.approvalStep.count({ where: { status: "PENDING" } })).toBe(0);
  });

  it("pauses a draft in progress when a return arrives, and resumes it afterwards", async () => {
    await apply("a");
    await h.text("a", "申请工作室"); // a second application, half done
    for (const [field, typed] of HAPPY.slice(0, 5)) await h.text("a", field === "townId" ? "是" : typed);
    await returnIt();
    expect(texts("a")).toContain("另一份申请已暂停并保存");
    await h.text("a", "600");
    await h.text("a", "确认提交");
    expect((await h.t.db.prisma.application.findFirstOrThrow({ where: { version: 2 } })).registeredCapitalYuan).toBe(6_000_000n);
    await h.text("a", "申请工作室");
    const draft = await h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { status: "ACTIVE" } });
    expect(Object.keys(JSON.parse(draft.stateJson).answers)).toEqual(expect.arrayContaining(["enterpriseName", "uscc", "registeredAddress", "townId", "listingStatus"]));
  });

  it("[6.3 a] a draft paused for a revision is the person's conversation again when the returned application is withdrawn instead", async () => {
    await apply("a");
    await h.text("a", "申请工作室");
    for (const [field, typed] of HAPPY.slice(0, 3)) await h.text("a", field === "townId" ? "是" : typed);
    await returnIt();
    expect(await h.t.db.prisma.conversationSession.count({ where: { status: "PAUSED" } })).toBe(1);
    await h.text("a", "撤回申请");
    await h.text("a", "确认撤回"); // ends the revision conversation behind the runner's back
    expect((await h.t.db.prisma.application.findFirstOrThrow({ where: { status: "WITHDRAWN" } })).id).toBeTruthy();
    await h.text("a", "继续");
    const draft = await h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { status: "ACTIVE" } });
    expect(Object.keys(JSON.parse(draft.stateJson).answers)).toEqual(HAPPY.slice(0, 3).map(([f]) => f));
    expect(await h.t.db.prisma.conversationSession.count({ where: { status: "PAUSED" } })).toBe(0);
  });

  it("links the manager's own enterprise only when it is the same enterprise", async () => {
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-manager-mingzhu", channel: "wecom", externalId: "chenxm" } });
    // The manager's registered enterprise would be prefilled (known-facts.test.ts): unregistered, HAPPY is typed whole.
    await h.t.db.prisma.roleGrant.updateMany({ where: { personId: "demo-manager-mingzhu" }, data: { revokedAt: new Date() } });
    await apply("chenxm"); // HAPPY applies for 中山市某某（中国）科技有限公司, not 明珠
    expect((await h.t.db.prisma.application.findFirstOrThrow()).enterpriseId).toBeNull();
    await h.t.db.prisma.application.deleteMany({});
    // The same enterprise by its credit code (registered by an admin; 明珠's manager grant is revoked above).
    await h.t.db.prisma.enterprise.update({ where: { id: "demo-ent-mingzhu" }, data: { uscc: "91350100M000100Y43" } });
    await h.text("chenxm", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("chenxm", field === "townId" ? "是" : typed);
    await h.text("chenxm", "确认提交");
    expect((await h.t.db.prisma.application.findFirstOrThrow()).enterpriseId).toBe("demo-ent-mingzhu");
  });
});
