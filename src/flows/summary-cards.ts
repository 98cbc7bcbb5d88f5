// The summary before submitting, as a phone shows it best: one card per section with its own
// 修改 button (the whole text where the channel has no cards); after an edit or a return only the
// sections that changed, the changes marked 已修改. Internal steps are never shown.
import type { CardButton, OutboundMessage } from "../domain/chat.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { FlowDefinition } from "./flow-schema.ts";
import { changedFields, describeAnswers, fieldLine, summaryTexts, type DescribedField } from "./summary.ts";
import { buttonRoom } from "./render.ts";

/** Button keys of the summary's cards, in the engine's `flow:<target>:<value>` form. */
export const SUMMARY_KEY = {
  /** 修改 on a section's card: that section's fields to choose from. */
  section: (sectionId: string) => `flow:@section:${sectionId}`,
  /** One field of a section's chooser. */
  field: (stepId: string) => `flow:@field:${stepId}`,
} as const;

const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

function cardId(flow: FlowDefinition, state: FlowState, name: string): string {
  state.cardSeq += 1;
  return `${flow.id}-${name}-${state.cardSeq}`;
}

/**
 * The summary's sections. Compares with `state.summaryShown` (the last summary, or the answers as
 * returned) and records what it shows now, so the next one shows only what changes after it.
 */
export function summarySectionMessages(flow: FlowDefinition, state: FlowState, ctx: FlowContext, prefix: string[]): OutboundMessage[] {
  const changed = state.summaryShown ? changedFields(flow, state.summaryShown, state.answers, ctx.towns) : new Map<string, string>();
  // Nothing changed (or a first summary): everything, as "继续" on the summary expects.
  const only = changed.size > 0 ? changed : undefined;
  state.summaryShown = { ...state.answers };
  const intro = only ? `已修改 ${only.size} 项（其余内容不变）：` : (flow.summary?.intro ?? "请核对填写的信息：");
  const sections = describeAnswers(flow, state.answers, { towns: ctx.towns }).filter((s) => !only || s.fields.some((f) => only.has(f.stepId)));
  if (buttonRoom(ctx) < 1) return summaryTexts(flow, state.answers, ctx.towns, [...prefix, intro].join("\n\n"), only).map(text);
  const all = flow.sections.map((s) => s.id);
  const cards = sections.map((sec, i): OutboundMessage => {
    const mark = (f: DescribedField) => (only?.has(f.stepId) ? `${f.display}（已修改）` : f.display);
    const lead = i === 0 ? `${intro}\n` : "";
    const changedLines = only ? sec.fields.filter((f) => only.has(f.stepId)).map((f) => `${f.label}：${only.get(f.stepId)} → ${f.display}`) : [];
    return {
      kind: "card",
      card: {
        id: cardId(flow, state, `sum-${sec.id}`),
        title: `${all.indexOf(sec.id) + 1}/${all.length} ${sec.title}`,
        description: `${lead}${changedLines.length ? `已修改：${changedLines.join("；")}` : (sec.fields.length === 1 ? `第 ${sec.fields[0]!.n} 项` : `第 ${sec.fields[0]!.n}–${sec.fields.at(-1)!.n} 项`)}`,
        facts: sec.fields.map((f) => ({ label: f.label, value: mark(f) })),
        buttons: [{ key: SUMMARY_KEY.section(sec.id), label: "修改" }],
      },
    };
  });
  const head = prefix.filter((p) => p !== "").join("\n\n");
  return head ? [text(head), ...cards] : cards;
}

/**
 * 修改 on a section: the one field it holds (returned as `ask`), or its fields to choose from —
 * buttons when they fit one card, numbers otherwise. `allowed` limits a revision to its fields.
 */
export function sectionChooser(
  flow: FlowDefinition,
  state: FlowState,
  ctx: FlowContext,
  sectionId: string,
  allowed: ReadonlySet<string> | null,
): { ask: string } | { messages: OutboundMessage[] } {
  const section = describeAnswers(flow, state.answers, { towns: ctx.towns, includeInternal: true }).find((s) => s.id === sectionId);
  const fields = (section?.fields ?? []).filter((f) => !allowed || allowed.has(f.stepId));
  if (!section || fields.length === 0) return { messages: [text(section ? "这一部分本次不需要修改。" : "这个按钮已过期。")] };
  if (fields.length === 1) return { ask: fields[0]!.stepId };
  const lines = fields.map((f) => fieldLine(f));
  const example = `如“修改 ${fields[0]!.n}”`;
  if (fields.length > buttonRoom(ctx)) return { messages: [text([`修改「${section.title}」的哪一项？回复序号，${example}：`, ...lines].join("\n"))] };
  const buttons = fields.map((f): CardButton => ({ key: SUMMARY_KEY.field(f.stepId), label: f.label }));
  return { messages: [{ kind: "card", card: { id: cardId(flow, state, `edit-${sectionId}`), title: `修改「${section.title}」的哪一项？`, description: `${lines.join("\n")}\n也可回复序号，${example}`, buttons } }] };
}
