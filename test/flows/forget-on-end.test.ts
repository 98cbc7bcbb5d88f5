// conversation.forgetOnEnd (8.1 anonymous surveys): however such a conversation ends, its session
// row — which names the person — keeps none of the answers; the completion handler still gets them.
// Through the real WeCom route and the real Prisma session store (PostgreSQL with TEST_DATABASE_URL).
import { afterEach, describe, expect, it } from "vitest";
import { allFlows } from "../../bot-flows/index.ts";
import { registerCompletion, type CompletionArgs } from "../../src/flows/conversation-runner.ts";
import type { FlowDefinition } from "../../src/flows/flow-schema.ts";
import { enqueue } from "../../src/storage/outbox.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const COMMENT = "上门服务很及时谢谢小刘";

function surveyFlow(id: string, startWord: string, forgetOnEnd: boolean): FlowDefinition {
  return {
    id,
    version: 1,
    title: "测试问卷",
    sections: [{ id: "q", title: "服务评价" }],
    steps: [
      { id: "score", kind: "scale", section: "q", clause: "8.1", label: "总体满意度", prompt: "您对本次服务总体满意吗？", min: 1, max: 5, minLabel: "很不满意", maxLabel: "非常满意" },
      { id: "comment", kind: "text", section: "q", clause: "8.1", label: "意见建议", prompt: "还有什么意见或建议？", minLength: 2 },
      { id: "recommend", kind: "scale", section: "q", clause: "8.1", label: "推荐意愿", prompt: "您有多大可能向其他企业推荐工作室？", min: 0, max: 10 },
    ],
    texts: { done: "感谢您的评价。", cancelled: "问卷已取消。", left: "已退出问卷。" },
    conversation: { startWords: [startWord], lifetimeMinutes: 30, cancelWords: ["算了"], leaveOnMenuWords: true, restart: "replace", nudges: false, ...(forgetOnEnd ? { forgetOnEnd: true } : {}) },
  };
}

const anonymous = surveyFlow("test-anon-survey", "匿名问卷", true);
const named = surveyFlow("test-named-survey", "实名问卷", false);

const completed: CompletionArgs<unknown, { id: string }>[] = [];
for (const f of [anonymous, named]) registerCompletion<unknown, { id: string }>(f.id, async (c) => {
    completed.push(c);
    return [];
  });

describe("[8.1] conversation.forgetOnEnd: an ended anonymous survey keeps no answers with the person", () => {
  let h: WecomHarness;
  afterEach(async () => {
    completed.length = 0;
    await h.close();
  });
  const start = () => createWecomHarness({ flows: [...allFlows, anonymous, named] });
  const row = (flowId: string) => h.t.db.prisma.conversationSession.findFirstOrThrow({ where: { flowId }, orderBy: { createdAt: "desc" } });
  const expectForgotten = async (flowId: string, status: string) => {
    const s = await row(flowId);
    expect(s.status).toBe(status);
    expect(s.personId).not.toBeNull(); // the row still names the person: hence it keeps nothing else
    expect(JSON.parse(s.stateJson).answers).toEqual({});
    expect(s.stateJson).not.toContain(COMMENT);
    expect(s.stateJson).not.toMatch(/"score"|"recommend"|"comment"/);
    expect(s.lastInput).toBeNull();
    expect(s.lastInputAt).toBeNull();
  };

  it("[8.1] completed: the handler receives every answer, then the row keeps none", async () => {
    h = await start();
    await h.text("u1", "匿名问卷");
    await h.text("u1", "4分");
    await h.text("u1", COMMENT);
    await h.text("u1", "九");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.answers).toEqual({ score: 4, comment: COMMENT, recommend: 9 });
    expect(h.to("u1").at(-1)?.content).toBe("感谢您的评价。");
    await expectForgotten(anonymous.id, "DONE");
    // The ended row still loads: a later message is no answer to it, and nothing breaks.
    await h.text("u1", "你好");
    expect(h.to("u1").length).toBeGreaterThan(0);
    await expectForgotten(anonymous.id, "DONE");
  });

  it("[8.1] cancelled by the engine (取消 → 是), by a cancel word, or left by a menu word: no answers kept", async () => {
    h = await start();
    await h.text("u2", "匿名问卷");
    await h.text("u2", "2");
    await h.text("u2", COMMENT);
    await h.text("u2", "取消");
    expect(JSON.stringify(h.to("u2").at(-1)?.templateCard)).toContain("已填写的内容不会保存");
    await h.text("u2", "是");
    expect(h.to("u2").at(-1)?.content).toBe("已取消，已填写的内容不会保存。");
    await expectForgotten(anonymous.id, "CANCELLED");

    await h.text("u2", "匿名问卷");
    await h.text("u2", "5");
    await h.text("u2", COMMENT);
    await h.text("u2", "算了");
    expect(h.to("u2").at(-1)?.content).toBe("问卷已取消。");
    await expectForgotten(anonymous.id, "ABANDONED");

    await h.text("u2", "匿名问卷");
    await h.text("u2", "3");
    await h.text("u2", COMMENT);
    await h.text("u2", "菜单");
    await expectForgotten(anonymous.id, "ABANDONED");
    expect(completed).toHaveLength(0);
  });

  it("[8.1] lapsed after its lifetime, or replaced by a new survey: no answers kept", async () => {
    h = await start();
    await h.text("u3", "匿名问卷");
    await h.text("u3", "1");
    await h.text("u3", COMMENT);
    h.clock.advance(31 * 60_000);
    await h.text("u3", "你好"); // not an answer: the survey lapsed
    await expectForgotten(anonymous.id, "EXPIRED");

    await h.text("u3", "匿名问卷");
    await h.text("u3", "2");
    await h.text("u3", COMMENT);
    const first = await row(anonymous.id);
    expect(JSON.parse(first.stateJson).answers).toEqual({ score: 2, comment: COMMENT }); // kept while it runs
    const prisma = h.t.db.prisma;
    await prisma.$transaction(async (tx) => {
      const out = await h.runtime.domain.conversations.startConversation(tx, { personId: first.personId!, channel: "wecom", userId: "u3", flowId: anonymous.id, now: h.clock.now() });
      await enqueue(tx, out, h.clock.now());
    });
    const replaced = await prisma.conversationSession.findUniqueOrThrow({ where: { id: first.id } });
    expect(replaced.status).toBe("ABANDONED");
    expect(JSON.parse(replaced.stateJson).answers).toEqual({});
    expect(replaced.stateJson).not.toContain(COMMENT);
    expect(replaced.lastInput).toBeNull();
  });

  it("[8.1] abandoned half-way: the lapse sweep ends it without waiting for the person's next message", async () => {
    h = await start();
    await h.text("u5", "匿名问卷");
    await h.text("u5", "2");
    await h.text("u5", COMMENT);
    await h.text("u6", "实名问卷"); // not forgetOnEnd: the sweep leaves it alone
    await h.text("u6", "3");
    const conversations = h.runtime.domain.conversations;
    h.clock.advance(29 * 60_000);
    expect(await conversations.lapseIdle(h.clock.now())).toBe(0);
    expect(JSON.parse((await row(anonymous.id)).stateJson).answers).toEqual({ score: 2, comment: COMMENT });
    h.clock.advance(2 * 60_000);
    expect(await conversations.lapseIdle(h.clock.now())).toBe(1);
    await expectForgotten(anonymous.id, "EXPIRED");
    const other = await row(named.id);
    expect(other.status).toBe("ACTIVE");
    expect(JSON.parse(other.stateJson).answers).toEqual({ score: 3 });
    expect(await conversations.lapseIdle(h.clock.now())).toBe(0);
  });

  it("without the option nothing changes: the ended row keeps its answers and last input", async () => {
    h = await start();
    await h.text("u4", "实名问卷");
    await h.text("u4", "4");
    await h.text("u4", COMMENT);
    await h.text("u4", "10分");
    expect(completed[0]!.answers).toEqual({ score: 4, comment: COMMENT, recommend: 10 });
    const done = await row(named.id);
    expect(done.status).toBe("DONE");
    expect(JSON.parse(done.stateJson).answers).toEqual({ score: 4, comment: COMMENT, recommend: 10 });
    expect(done.lastInput).toBe("10分");

    await h.text("u4", "实名问卷");
    await h.text("u4", "3");
    await h.text("u4", COMMENT);
    h.clock.advance(31 * 60_000);
    await h.text("u4", "你好");
    const lapsed = await row(named.id);
    expect(lapsed.status).toBe("EXPIRED");
    expect(JSON.parse(lapsed.stateJson).answers).toEqual({ score: 3, comment: COMMENT });
    expect(lapsed.lastInput).toBe(COMMENT);
  });
});
