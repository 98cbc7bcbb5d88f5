// The service-request flow is data derived from the catalogue (7.1, 7.2): driven through the pure
// engine, every service offers exactly its 7.2 sub-items in the standard's wording, 7.2.3 b only
// to the industries it names, and a submitted answer names one catalogue sub-item.
import { describe, expect, it } from "vitest";
import { serviceRequestFlow, subItemStep } from "../../bot-flows/service-request.ts";
import { isServiceMessage } from "../../src/app/bot/service-request-handler.ts";
import { requestCard } from "../../src/app/service-requests/service-texts.ts";
import type { InboundEvent } from "../../src/domain/chat.ts";
import { offeredSubItems, SERVICE_CATEGORIES, serviceSubItem } from "../../src/domain/studio/service-catalogue.ts";
import { FlowSchema, type FlowDefinition } from "../../src/flows/flow-schema.ts";
import type { StoredSession } from "../../src/flows/session-store.ts";
import { classify, type Facts } from "../../src/app/bot/intent-router.ts";
import { approvalOpinionFlow } from "../../bot-flows/approval-opinion.ts";
import { studioApplicationFlow } from "../../bot-flows/studio-application.ts";
import { Driver, makeCtx } from "../flows/helpers.ts";

const drive = (industry?: string) => new Driver(serviceRequestFlow, makeCtx(false), industry ? { prefill: { industry } } : undefined);
const submitted = (d: Driver) => d.commands.find((c) => c.type === "submit") as { answers: Record<string, unknown> } | undefined;

describe("service-request flow", () => {
  it("is a valid flow definition", () => {
    expect(FlowSchema.safeParse(serviceRequestFlow).success).toBe(true);
  });

  for (const [n, c] of SERVICE_CATEGORIES.entries()) {
    it(`[${c.clause}] offers ${c.subItems.length ? "exactly its 7.2 sub-items, in the standard's words" : "no sub-item and goes straight to the need"}`, () => {
      const d = drive("biomedicine");
      expect(d.out).toContain(`${n + 1}. ${c.text}`);
      d.send(String(n + 1));
      if (c.subItems.length === 0) {
        expect(d.out).toContain("描述您的需求");
        return;
      }
      for (const s of c.subItems) expect(d.out).toContain(`${s.code} ${s.text}`);
      expect(d.out).not.toContain(`${c.subItems.length + 1}. `);
      d.send(String(c.subItems.length)).send("请协助处理").send("跳过").send("是");
      const answers = submitted(d)!.answers;
      const last = c.subItems.at(-1)!;
      expect(`${c.section!.clause} ${answers[subItemStep(c.letter)]}`).toBe(last.code);
      expect(serviceSubItem(last.code)).toBe(last);
    });
  }

  it("[7.2.3 b] is not offered to an enterprise of another industry; the industry is asked when unknown", () => {
    const other = drive("other").send("3");
    expect(other.out).toContain("7.2.3 a");
    expect(other.out).not.toContain("7.2.3 b");
    expect(offeredSubItems("c", { industry: "other" }).map((s) => s.code)).toEqual(["7.2.3 a"]);
    other.send("2"); // no second option here
    expect(other.out).not.toContain("描述您的需求");

    const unknown = drive().send("3");
    expect(unknown.out).toContain("贵企业属于哪个产业");
    unknown.send("1"); // 新一代信息技术
    expect(unknown.out).toContain("7.2.3 b");
    unknown.send("2").send("快速预审备案").send("跳过").send("是");
    expect(submitted(unknown)!.answers).toMatchObject({ industry: "new_gen_it", [subItemStep("c")]: "b" });
  });

  it("[4] 不提交 at the confirmation still completes (the handler files nothing); 进展/办结 are commands except mid-request", () => {
    const d = drive().send("7").send("其他需要").send("跳过").send("否");
    expect(submitted(d)!.answers.confirm).toBe(false);
    const text = (t: string): InboundEvent => ({ kind: "text", text: t, sender: { channel: "wecom", userId: "u" }, dedupeKey: "k", receivedAt: new Date() });
    expect(isServiceMessage(text("进展 已完成检索"))).toBe(true);
    expect(isServiceMessage(text("办结：已出具报告"))).toBe(true);
    expect(isServiceMessage(text("进展 已完成检索"), "service-request")).toBe(false);
    expect(isServiceMessage(text("我的服务"))).toBe(true);
    expect(isServiceMessage(text("进度"))).toBe(false);
  });

  it("[7.2.3 a] the owner's card says the 4-working-hour deadline and names the sub-item as the catalogue does", () => {
    const card = requestCard({
      cardId: "sr-1",
      req: { id: "req000abc123", category: "c", subItem: "7.2.3 a", urgent: true, description: "律师函", dueAt: new Date("2026-11-25T06:00:00Z"), attachmentKind: "image", escalationLevel: 0 },
      studioNumber: "ZSIPS-2026-001",
      enterpriseName: "测试公司",
      requester: "张三",
      stage: "open",
      timeZone: "Asia/Shanghai",
    });
    expect(card.description).toContain("11-25 14:00 前受理（7.2.3 纠纷初期，4 个工作小时内）");
    expect(card.facts).toContainEqual({ label: "服务", value: "7.2.3 a 纠纷法律咨询（知识产权快速维权）" });
    expect(card.buttons.map((b) => b.key)).toEqual(["sr:accept", "sr:transfer"]);
  });
});

describe("service messages in the intent router", () => {
  const base = { sender: { channel: "wecom" as const, userId: "u" }, dedupeKey: "k", receivedAt: new Date(0) };
  const text = (t: string): InboundEvent => ({ ...base, kind: "text", text: t });
  const button = (key: string): InboundEvent => ({ ...base, kind: "button", key, cardId: "sr-1" });
  const active = (flow: FlowDefinition) => ({ session: { id: "s", flowId: flow.id } as StoredSession, flow });
  const facts = (a: ReturnType<typeof active> | null = null): Facts => ({ active: a, approver: false, draftAwaitingHead: false, cancelledDraft: false, flowStartedBy: () => null });
  it.each([
    ["申请服务 with nothing running", text("申请服务"), facts(), "service"],
    ["进展 … mid-application-form (a command, not an answer)", text("进展 已完成检索"), facts(active(studioApplicationFlow)), "service"],
    ["进展 … as the need typed mid-request (an answer)", text("进展缓慢的专利申请需要加快"), facts(active(serviceRequestFlow)), "conversation"],
    ["办结 … in the opinion dialog (the dialog owns every text)", text("办结 已出具报告"), facts(active(approvalOpinionFlow)), "conversation"],
    ["受理 on a service card mid-form", button("sr:accept"), facts(active(studioApplicationFlow)), "service"],
    ["the 申请服务 menu button", button("menu:service"), facts(), "service"],
  ])("[4] %s → %s", (_, event, f, kind) => {
    expect(classify(event, f).kind).toBe(kind);
  });
});
