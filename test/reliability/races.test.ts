import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { linkOfficers, lastCardId, OFFICERS, typedAnswers } from "../support/journey.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";
import { size } from "./size.ts";

// Issue 9, reliability suite "Races": a withdrawal racing a decision, and one draft answered
// from two channels at once, each end with exactly one outcome. (100 concurrent taps on one
// stage: test/integration/approval-journey.test.ts.)
describe("races", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  const texts = (userId: string) => h.to(userId).map((m) => m.content ?? "");

  it("[6.3 a] a withdrawal racing the town officer's approval: one of them happens, the other is told", async () => {
    const officer = OFFICERS.town[1];
    for (let i = 0; i < size(2, 30); i++) {
      const applicant = `racer-${i}`;
      await h.text(applicant, "申请工作室");
      for (const a of typedAnswers()) await h.text(applicant, a);
      await h.text(applicant, "确认提交");
      const who = await h.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "wecom", externalId: applicant } } });
      const app = await h.t.db.prisma.application.findFirstOrThrow({ where: { applicantId: who.personId } });
      expect(app).toMatchObject({ status: "IN_REVIEW", stage: 1 });
      await h.text(applicant, "撤回申请");
      const card = lastCardId(h, officer);
      await Promise.all([h.text(applicant, "确认撤回"), h.click(officer, "ap:approve", card)]);
      await h.settle();

      const after = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id: app.id } });
      const actions = (await h.t.db.prisma.auditLog.findMany({ where: { subjectId: app.id } })).map((a) => a.action);
      const withdrawn = actions.filter((a) => a === "application.withdrawn").length;
      const approved = actions.filter((a) => a === "approval.approve").length;
      expect(withdrawn + approved, `${applicant}: ${actions.join(",")}`).toBe(1);
      if (withdrawn) {
        expect(after.status).toBe("WITHDRAWN");
        expect(await h.t.db.prisma.approvalStep.count({ where: { applicationId: app.id, status: "APPROVED" } })).toBe(0);
      } else {
        expect(after).toMatchObject({ status: "IN_REVIEW", stage: 2 });
        expect(texts(applicant).some((t) => t.includes("申请状态刚刚发生了变化") || t.includes("不能撤回") || t.includes("无法撤回"))).toBe(true);
      }
    }
  });

  it("one draft answered from WeCom and the simulator at once: one answer is taken, the other sender is told", async () => {
    const { prisma } = h.t.db;
    await h.text("dual-w", "申请工作室");
    const person = await prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: "dual-w" } } } });
    await prisma.channelIdentity.create({ data: { personId: person.id, channel: "web", externalId: "dual-web" } });
    const viaWeb = h.runtime.app.request("/webhooks/web", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "dual-web", text: "中山市乙科技有限公司", clientMsgId: "dual-web-0001" }),
    });
    await Promise.all([h.text("dual-w", "中山市甲科技有限公司"), viaWeb]);
    await h.settle();

    const session = await prisma.conversationSession.findFirstOrThrow({ where: { personId: person.id, status: "ACTIVE" } });
    const answers = (JSON.parse(session.stateJson) as { answers: Record<string, unknown> }).answers;
    expect(["中山市甲科技有限公司", "中山市乙科技有限公司"]).toContain(answers["enterpriseName"]);
    expect(answers["uscc"]).toBeUndefined(); // the other company name was not filed under the next question
    const told = await prisma.outboxMessage.findMany({ where: { personId: person.id, payloadJson: { contains: "另一个渠道上更新过" } } });
    expect(told).toHaveLength(1);
    const loser = answers["enterpriseName"] === "中山市甲科技有限公司" ? "dual-web" : "dual-w";
    expect(told[0]!.externalUserId).toBe(loser);
  });
});
