import { afterEach, describe, expect, it } from "vitest";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// "The answer belongs to this question": a message that reached us no later than the moment the
// person's other device answered was written for the earlier question — it must not be filed
// under the next one, however the two happen to be scheduled.
describe("a form answered from two channels", () => {
  let h: WecomHarness;
  afterEach(async () => {
    await h.close();
  });

  it("[6.2] a message received as the other channel's answer moved the form on is not taken as the next answer; its sender is told", async () => {
    h = await createWecomHarness();
    const { prisma } = h.t.db;
    await h.text("two-w", "申请工作室");
    const person = await prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: "two-w" } } } });
    await prisma.channelIdentity.create({ data: { personId: person.id, channel: "web", externalId: "two-web" } });
    await h.text("two-w", "中山市甲科技有限公司"); // taken at this instant
    // Sent from the browser at the same instant (the clock has not moved): meant for the same question.
    await h.runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "two-web", text: "中山市乙科技有限公司", clientMsgId: "two-web-0001" }) });
    await h.settle();
    const s = await prisma.conversationSession.findFirstOrThrow({ where: { personId: person.id, status: "ACTIVE" } });
    const answers = JSON.parse(s.stateJson).answers as Record<string, unknown>;
    expect(answers).toEqual({ enterpriseName: "中山市甲科技有限公司" });
    const told = await prisma.outboxMessage.findMany({ where: { personId: person.id, payloadJson: { contains: "另一个渠道上更新过" } } });
    expect(told.map((m) => m.externalUserId)).toEqual(["two-web"]);
    // Later messages from the browser are answers as usual.
    h.clock.advance(5_000);
    await h.runtime.app.request("/webhooks/web", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "two-web", text: "跳过", clientMsgId: "two-web-0002" }) });
    await h.settle();
    const after = JSON.parse((await prisma.conversationSession.findFirstOrThrow({ where: { personId: person.id, status: "ACTIVE" } })).stateJson).answers as Record<string, unknown>;
    expect(after).toEqual({ enterpriseName: "中山市甲科技有限公司", uscc: null });
  });
});
