import { describe, expect, it } from "vitest";
import { startFlow, step, type FlowContext } from "../../src/flows/engine.ts";
import { FlowSchema, type FlowDefinition } from "../../src/flows/flow-schema.ts";

const ctx = (over: Partial<FlowContext> = {}): FlowContext => ({ now: new Date("2026-11-25T02:00:00Z"), capabilities: { buttons: false, maxButtons: 0 }, towns: [], helpContact: "0760-000", ...over });

// Engine pieces the runner's flows need: options from the conversation's context, a photo-or-note
// step, a dialog without a summary, answers quoted in a later prompt.
const dialog: FlowDefinition = {
  id: "dialog",
  version: 1,
  title: "对话",
  sections: [{ id: "main", title: "主要" }],
  steps: [
    { id: "item", kind: "choice", section: "main", label: "服务", prompt: "选哪一项？", choiceSource: "context", contextKey: "items" },
    { id: "photo", kind: "media", section: "main", label: "照片", prompt: "请发照片（选的是 {{item}}）", noteAllowed: false },
  ],
  texts: { done: "好了。" },
};

describe("engine: run-time choices, media, summary-less dialogs", () => {
  const choices = { items: [{ value: "a", label: "专利导航" }, { value: "b", label: "纠纷应对" }] };

  it("takes a choice's options from the context and completes on the last answer (no summary)", () => {
    expect(FlowSchema.safeParse(dialog).success).toBe(true);
    const s0 = startFlow(dialog, ctx({ choices }));
    expect(s0.replies.map((r) => (r.kind === "text" ? r.text : "")).join()).toContain("2. 纠纷应对");
    const s1 = step(dialog, s0.state, { kind: "text", text: "2" }, ctx({ choices }));
    expect(s1.state.answers.item).toBe("b");
    expect(s1.replies.at(-1)).toEqual({ kind: "text", text: "请发照片（选的是 纠纷应对）" });
    const typed = step(dialog, s1.state, { kind: "text", text: "没有照片" }, ctx({ choices }));
    expect(typed.state.answers.photo).toBeUndefined(); // noteAllowed false: a note is refused
    const s2 = step(dialog, s1.state, { kind: "media", mediaId: "M1", mediaType: "image" }, ctx({ choices }));
    expect(s2.state.mode).toBe("done");
    expect(s2.commands).toEqual([{ type: "submit", flowId: "dialog", flowVersion: 1, answers: { item: "b", photo: "media:image:M1" } }]);
    expect(s2.replies).toEqual([{ kind: "text", text: "好了。" }]);
  });

  it("re-asks a text question given a photo, and shows context choices as buttons where they fit", () => {
    const s0 = startFlow(dialog, ctx({ choices, capabilities: { buttons: true, maxButtons: 6 } }));
    expect(s0.replies.some((r) => r.kind === "card" && r.card.buttons.map((b) => b.label).join() === "专利导航,纠纷应对")).toBe(true);
    const s1 = step(dialog, s0.state, { kind: "media", mediaId: "M1", mediaType: "image" }, ctx({ choices }));
    expect(s1.state.answers).toEqual({});
    expect(s1.replies[0]).toMatchObject({ kind: "text", text: expect.stringContaining("这一题请回复文字") });
  });

  it("refuses a context choice without its key and a flow without a done text", () => {
    const bad = { ...dialog, texts: undefined, steps: [{ ...dialog.steps[0]!, contextKey: undefined }, dialog.steps[1]!] };
    const r = FlowSchema.safeParse(bad);
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => i.message);
    expect(messages).toContain('contextKey goes with choiceSource "context"');
    expect(messages).toContain("a flow needs a done text (texts.done or final.message)");
  });
});
