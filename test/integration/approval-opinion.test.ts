import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// Return and reject need an opinion (A.1 opinions); asking for it must not capture unrelated messages.
describe("the officer's opinion dialog", () => {
  let h: WecomHarness;
  let card: { task_id: string };
  const last = (u: string) => h.to(u).at(-1)?.content ?? "";
  beforeEach(async () => {
    h = await createWecomHarness();
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-town-xiaolan", channel: "wecom", externalId: "zhoumin" } });
    await h.text("app", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("app", field === "townId" ? "是" : typed);
    await h.text("app", "确认提交");
    card = h.to("zhoumin").find((s) => s.msgtype === "template_card")!.templateCard as { task_id: string };
  });
  afterEach(async () => {
    await h.close();
  });
  const status = async () => (await h.t.db.prisma.application.findFirstOrThrow()).status;

  it("asks to confirm a rejection before recording it", async () => {
    await h.click("zhoumin", "ap:reject", card.task_id);
    await h.text("zhoumin", "不符合 6.1 的设立条件");
    expect(last("zhoumin")).toContain("确认请回复“确认”");
    expect(await status()).toBe("IN_REVIEW");
    await h.text("zhoumin", "好吧");
    expect(await status()).toBe("IN_REVIEW");
    await h.text("zhoumin", "确认");
    expect(await status()).toBe("REJECTED");
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow()).opinion).toBe("不符合 6.1 的设立条件");
  });

  it("does not take a menu word, or a message after the dialog lapsed, as the opinion", async () => {
    await h.click("zhoumin", "ap:reject", card.task_id);
    await h.text("zhoumin", "待我审批");
    expect(h.to("zhoumin").map((s) => s.content ?? "").join()).toContain("已放弃填写审批意见");
    expect(last("zhoumin") + JSON.stringify(h.to("zhoumin").at(-1)?.templateCard ?? "")).toMatch(/等待您审批|第1\/3阶段/);
    expect(await status()).toBe("IN_REVIEW");

    await h.click("zhoumin", "ap:return", card.task_id);
    h.clock.advance(7 * 86_400_000);
    await h.text("zhoumin", "今天天气不错");
    expect(await status()).toBe("IN_REVIEW");
    expect(await h.t.db.prisma.conversationSession.count({ where: { flowId: "approval-opinion", status: "ACTIVE" } })).toBe(0);
  });

  it("ignores keys that only look like approval keys", async () => {
    await h.click("zhoumin", "constructor", card.task_id);
    await h.click("zhoumin", "toString", card.task_id);
    expect(await h.t.db.prisma.conversationSession.count({ where: { flowId: "approval-opinion" } })).toBe(0);
    expect(await status()).toBe("IN_REVIEW");
  });
});
