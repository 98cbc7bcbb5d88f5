import { afterEach, describe, expect, it } from "vitest";
import { allFlows } from "../../bot-flows/index.ts";
import { registerCompletion, type CompletionArgs } from "../../src/flows/conversation-runner.ts";
import type { FlowDefinition } from "../../src/flows/flow-schema.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { HAPPY } from "./helpers.ts";
import { createWecomHarness, testClock, WECOM, type WecomHarness } from "../support/wecom-harness.ts";
import { productJobs } from "../../src/app/jobs/product-jobs.ts";

// A new flow is one flow definition plus its completion handler: nothing in the runner, router or
// nudges changes. This one (registered only here) has a text step and a photo-or-note step, the
// shape of the 6.3 b set-up checklist that comes next.
const checkFlow: FlowDefinition = {
  id: "test-setup-check",
  version: 1,
  title: "测试清单",
  sections: [{ id: "place", title: "办公场所" }],
  steps: [
    { id: "address", kind: "text", section: "place", clause: "6.3 b", label: "固定办公场所", prompt: "工作室的固定办公场所在哪里？", minLength: 4 },
    { id: "sign", kind: "media", section: "place", clause: "6.3 b", label: "工作室标牌", prompt: "请拍一张工作室标牌的照片发过来；不便拍照请回复文字说明。" },
  ],
  texts: { intro: "开始测试清单。", done: "清单已填完。", paused: "测试清单已暂停。", resumed: "回到测试清单，回复“继续”查看当前问题。" },
  conversation: { startWords: ["测试清单"] },
};

const completed: CompletionArgs<unknown, { id: string }>[] = [];
registerCompletion<unknown, { id: string }>(checkFlow.id, async (c) => {
  completed.push(c);
  return [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text: `已记录：${String(c.answers.address)}` } }];
});

describe("a new flow on the one conversation runner", () => {
  let h: WecomHarness;
  afterEach(async () => {
    completed.length = 0;
    await h.close();
  });
  const texts = (u: string) => h.to(u).map((m) => m.content ?? "");
  const image = (u: string, mediaId: string) =>
    h.post(`<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[${u}]]></FromUserName><CreateTime>${Math.floor(h.clock.now().getTime() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${Date.now()}${Math.floor(Math.random() * 1000)}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`);

  it("[6.3 b] starts by its word, takes a photo as the answer to its media step, and hands the answers to its completion handler", async () => {
    h = await createWecomHarness({ flows: [...allFlows, checkFlow] });
    await h.text("u1", "测试清单");
    expect(texts("u1").at(-1)).toBe("开始测试清单。\n\n工作室的固定办公场所在哪里？");
    await image("u1", "MEDIA-EARLY"); // not what the text question wants: re-asked, not taken
    expect(texts("u1").at(-1)).toContain("这一题请回复文字");
    await h.text("u1", "中山市小榄镇某路 1 号");
    expect(texts("u1").at(-1)).toContain("请拍一张工作室标牌的照片");
    await image("u1", "MEDIA-1");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.answers).toEqual({ address: "中山市小榄镇某路 1 号", sign: "media:image:MEDIA-1" });
    // The handler spoke to the sender, so the flow's generic done text is not repeated.
    expect(texts("u1").at(-1)).toBe("已记录：中山市小榄镇某路 1 号");
    expect(texts("u1")).not.toContain("清单已填完。");
    const s = await h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { flowId: checkFlow.id } });
    expect(s.status).toBe("DONE");
  });

  it("[6.3 b] a typed note answers a media step where no photo can be sent", async () => {
    h = await createWecomHarness({ flows: [...allFlows, checkFlow] });
    await h.text("u2", "测试清单");
    await h.text("u2", "中山市小榄镇某路 1 号");
    await h.text("u2", "标牌挂在门口明天补拍");
    expect(completed[0]!.answers.sign).toBe("标牌挂在门口明天补拍");
  });

  it("[6.2] a conversation started by a service pauses the person's form, which resumes, answers kept, when it ends", async () => {
    h = await createWecomHarness({ flows: [...allFlows, checkFlow] });
    await h.text("u3", "申请工作室");
    for (const [, typed] of HAPPY.slice(0, 2)) await h.text("u3", typed);
    const prisma = h.t.db.prisma;
    const person = await prisma.conversationSession.findFirstOrThrow({ where: { flowId: "studio-application" } });
    await prisma.$transaction(async (tx) => {
      const out = await h.runtime.domain.conversations.startConversation(tx, { personId: person.personId!, channel: "wecom", userId: "u3", flowId: checkFlow.id, now: h.clock.now() });
      await enqueue(tx, out, h.clock.now());
    });
    await h.runtime.services.dispatcher.drain();
    expect(texts("u3")).toContain("您正在填写的另一份申请已暂停并保存，办完当前事项后可接着填写。");
    expect((await prisma.conversationSession.findUniqueOrThrow({ where: { id: person.id } })).status).toBe("PAUSED");
    await h.text("u3", "中山市小榄镇某路 1 号"); // answers the new conversation, not the paused form
    await h.text("u3", "标牌在门口");
    expect(completed).toHaveLength(1);
    expect(texts("u3")).toContain("您之前填写的申请已恢复，已填内容都保存着。回复“继续”接着填写。");
    const form = await prisma.conversationSession.findUniqueOrThrow({ where: { id: person.id } });
    expect(form.status).toBe("ACTIVE");
    expect(Object.keys(JSON.parse(form.stateJson).answers)).toEqual(HAPPY.slice(0, 2).map(([f]) => f));
    await h.text("u3", "继续");
    expect(texts("u3").at(-1)).toContain("地址"); // the form asks its next question (registeredAddress)
  });

  it("nudges an idle conversation of any flow; a flow can opt out (the officer's opinion dialog)", async () => {
    h = await createWecomHarness({ flows: [...allFlows, checkFlow], clock: testClock(new Date("2026-11-25T02:00:00Z")) }); // Wed 10:00 in Zhongshan
    await h.text("u4", "测试清单");
    const prisma = h.t.db.prisma;
    const officer = await prisma.person.findUniqueOrThrow({ where: { id: "demo-town-xiaolan" } });
    await prisma.$transaction((tx) =>
      h.runtime.domain.conversations.startConversation(tx, { personId: officer.id, channel: "wecom", userId: "zhoumin", flowId: "approval-opinion", prefill: { decision: "REJECT" }, context: { cardId: "none" }, now: h.clock.now() }),
    );
    h.clock.advance(25 * 3_600_000); // Thursday 11:00
    const jobs = productJobs({ prisma, config: h.config, logger: h.logs.logger, services: h.runtime.services, domain: h.runtime.domain });
    expect(await jobs.find((j) => j.name === "flow-nudges")!.run(h.clock.now())).toBe(1);
    await h.settle();
    expect(h.to("u4").at(-1)?.content).toContain("您的「测试清单」还没填完");
    expect(h.to("zhoumin")).toHaveLength(0);
  });

  it("flows:check refuses a flow without a done text or with a placeholder naming no step", async () => {
    const { FlowSchema } = await import("../../src/flows/flow-schema.ts");
    const broken = { ...checkFlow, texts: { intro: "x" }, steps: [{ ...checkFlow.steps[0]!, prompt: "{{nope}} 在哪里？" }] };
    const r = FlowSchema.safeParse(broken);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message).join("; ")).toMatch(/done text.*\{\{nope\}\} is not a step|\{\{nope\}\} is not a step.*done text/);
    h = await createWecomHarness({ flows: [...allFlows, checkFlow] });
  });
});
