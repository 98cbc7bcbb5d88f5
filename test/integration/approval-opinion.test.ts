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

  it("[6.3 a] asks to confirm a rejection before recording it", async () => {
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

  it("[A.1] does not take a menu word, or a message after the dialog lapsed (30 minutes), as the opinion", async () => {
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

  it("[6.3 a] a return names the fields to revise by number from the application's own list; a wrong number is re-asked without the list", async () => {
    await h.click("zhoumin", "ap:return", card.task_id);
    await h.text("zhoumin", "好"); // one character is not an opinion
    expect(last("zhoumin")).toContain("至少 2 个字");
    await h.text("zhoumin", "注册资本与营业执照不一致");
    const list = h.to("zhoumin").map((s) => s.content ?? "").join("\n");
    expect(list).toContain("需要申请人修改哪些项目");
    expect(list).toMatch(/\n1\. 企业名称：/);
    const sent = h.to("zhoumin").length;
    await h.text("zhoumin", "999");
    expect(h.to("zhoumin").length).toBe(sent + 1);
    expect(last("zhoumin")).toMatch(/请回复 1–\d+ 之间的序号，如 3,12；或回复 0。/);
    expect(await status()).toBe("IN_REVIEW");
    await h.text("zhoumin", "1,3");
    expect(await status()).toBe("RETURNED");
    const step = await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { status: "RETURNED" } });
    expect(step.opinion).toBe("注册资本与营业执照不一致");
    expect(JSON.parse(step.returnFields!)).toEqual(["enterpriseName", "registeredAddress"]);
  });

  it("[6.3 a] 0 leaves the whole form to the applicant, who is asked to check everything", async () => {
    await h.click("zhoumin", "ap:return", card.task_id);
    await h.text("zhoumin", "请核对全部信息");
    await h.text("zhoumin", "0");
    expect(await status()).toBe("RETURNED");
    expect(JSON.parse((await h.t.db.prisma.approvalStep.findFirstOrThrow({ where: { status: "RETURNED" } })).returnFields!)).toEqual([]);
    expect(h.to("app").map((s) => s.content ?? "").join()).toContain("请核对全部内容，修改后重新提交");
  });

  it("[A.1] a cancel word ends the dialog at once and the card stays valid", async () => {
    await h.click("zhoumin", "ap:reject", card.task_id);
    await h.text("zhoumin", "算了");
    expect(last("zhoumin")).toBe("已取消，本次未作决定。审批卡片仍然有效。");
    expect(await h.t.db.prisma.conversationSession.count({ where: { flowId: "approval-opinion", status: "ACTIVE" } })).toBe(0);
    await h.click("zhoumin", "ap:approve", card.task_id);
    expect((await h.t.db.prisma.application.findFirstOrThrow()).stage).toBe(2);
  });

  it("ignores keys that only look like approval keys", async () => {
    await h.click("zhoumin", "constructor", card.task_id);
    await h.click("zhoumin", "toString", card.task_id);
    expect(await h.t.db.prisma.conversationSession.count({ where: { flowId: "approval-opinion" } })).toBe(0);
    expect(await status()).toBe("IN_REVIEW");
  });
});
