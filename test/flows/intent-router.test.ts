import { describe, expect, it } from "vitest";
import { approvalOpinionFlow } from "../../bot-flows/approval-opinion.ts";
import { studioApplicationFlow } from "../../bot-flows/studio-application.ts";
import { classify, type Facts } from "../../src/app/bot/intent-router.ts";
import type { InboundEvent } from "../../src/domain/chat.ts";
import type { StoredSession } from "../../src/flows/session-store.ts";

const sender = { channel: "wecom" as const, userId: "u" };
const base = { sender, dedupeKey: "k", receivedAt: new Date(0) };
const text = (t: string): InboundEvent => ({ ...base, kind: "text", text: t });
const button = (key: string, cardId?: string): InboundEvent => ({ ...base, kind: "button", key, cardId });
const session = (flowId: string) => ({ id: "s", flowId }) as StoredSession;
const facts = (over: Partial<Facts> = {}): Facts => ({ active: null, approver: false, draftAwaitingHead: false, cancelledDraft: false, flowStartedBy: () => null, ...over });
const inForm = { session: session("studio-application"), flow: studioApplicationFlow };
const inOpinion = { session: session("approval-opinion"), flow: approvalOpinionFlow };

// One intent per message, from the event and the person's state alone: no handler order involved.
describe("intent routing", () => {
  it.each([
    ["an approval card button", button("ap:return", "c1"), facts({ active: inForm }), "approval-card"],
    ["a head's confirmation card", button("hc:confirm", "c1"), facts(), "head-confirm"],
    ["a flow button with a conversation", button("flow:headcount:1"), facts({ active: inForm }), "conversation"],
    ["a flow button without one", button("flow:headcount:1"), facts(), "stale-flow-button"],
    ["a key that only looks like one", button("constructor", "c1"), facts(), "menu"],
    ["a form answer", text("中山市某某科技有限公司"), facts({ active: inForm }), "conversation"],
    ["我的申请 mid-form", text("我的申请"), facts({ active: inForm }), "status"],
    ["待我审批 mid-form by an approver", text("待我审批"), facts({ active: inForm, approver: true }), "pending"],
    ["待我审批 mid-form by an applicant (the form's to judge)", text("待我审批"), facts({ active: inForm }), "conversation"],
    ["待我审批 by an applicant, no form", text("待我审批"), facts(), "pending"],
    ["声明授权 mid-form (an answer)", text("声明授权"), facts({ active: inForm }), "conversation"],
    ["声明授权 with a draft awaiting the head", text("声明授权"), facts({ active: inForm, draftAwaitingHead: true }), "declare"],
    ["催办 mid-form", text("催办"), facts({ active: inForm }), "applicant-action"],
    ["any text in the opinion dialog", text("催办"), facts({ active: inOpinion, approver: true }), "conversation"],
    ["待我审批 in the opinion dialog (the dialog leaves, then routes again)", text("待我审批"), facts({ active: inOpinion, approver: true }), "conversation"],
    ["继续 with a cancelled draft", text("继续"), facts({ cancelledDraft: true }), "apply"],
    ["a flow's start word", text("测试清单"), facts({ flowStartedBy: (w) => (w === "测试清单" ? "t" : null) }), "start-flow"],
    ["a photo with a conversation", { ...base, kind: "media", mediaType: "image", mediaId: "m" } as InboundEvent, facts({ active: inForm }), "conversation"],
    ["a photo without one", { ...base, kind: "media", mediaType: "image", mediaId: "m" } as InboundEvent, facts(), "menu"],
    ["anything else", text("今天天气不错"), facts(), "menu"],
  ])("%s → one intent", (_, event, f, kind) => {
    expect(classify(event, f).kind).toBe(kind);
  });
});
