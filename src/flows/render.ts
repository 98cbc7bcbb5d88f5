// Questions and engine messages as OutboundMessages: card buttons where the channel has them
// and the options fit, numbered text lists otherwise.
import { MAX_CARD_BUTTONS, type CardButton, type OutboundMessage } from "../domain/chat.ts";
import { KEY } from "./commands.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { AnswerStep, FlowDefinition } from "./flow-schema.ts";
import { TOWN_ALIASES, type LabeledOption } from "./normalize.ts";
import { formatValue } from "./summary.ts";
import { multiExample } from "./parse-answer.ts";
import { scaleGroups, scaleLegend } from "./scale.ts";

export const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

/** Card ids are `${flow.id}-${name}-${n}` with n from the state, so every send is unique. */
export function nextCardId(flow: FlowDefinition, state: FlowState, name: string): string {
  state.cardSeq += 1;
  return `${flow.id}-${name}-${state.cardSeq}`;
}

function buttonRoom(ctx: FlowContext): number {
  return ctx.capabilities.buttons ? Math.min(ctx.capabilities.maxButtons, MAX_CARD_BUTTONS) : 0;
}

/** Puts lines (heading, error, "已跳过") in front of the first text message, or before a card. */
export function withPrefix(prefix: string[], messages: OutboundMessage[]): OutboundMessage[] {
  const head = prefix.filter((p) => p !== "").join("\n\n");
  if (head === "") return messages;
  const [first, ...rest] = messages;
  if (first?.kind === "text") return [text(`${head}\n\n${first.text}`), ...rest];
  return [text(head), ...messages];
}

export function sectionHeading(flow: FlowDefinition, sectionId: string): string {
  const i = flow.sections.findIndex((s) => s.id === sectionId);
  return `【第 ${i + 1}/${flow.sections.length} 部分 · ${flow.sections[i]?.title ?? ""}】`;
}

export function optionsFor(step: AnswerStep, ctx: FlowContext): LabeledOption[] {
  if (step.kind === "choice" && step.choiceSource === "towns") return ctx.towns.map((t) => ({ value: t.id, label: t.name }));
  if ((step.kind === "choice" || step.kind === "multi-choice") && step.choiceSource === "context") return [...(ctx.choices?.[step.contextKey ?? ""] ?? [])];
  if (step.kind === "choice" || step.kind === "multi-choice") return step.options ?? [];
  return [];
}

export function aliasesFor(step: AnswerStep): Record<string, string> | undefined {
  return step.kind === "choice" && step.choiceSource === "towns" ? TOWN_ALIASES : undefined;
}

/**
 * The town an address names: "中山市小榄镇…" → 小榄. A name followed by 镇/街道/区 beats a bare
 * mention ("中山港口镇" is 港口, not 中山港); a tie suggests nothing.
 */
export function suggestOption(step: AnswerStep, state: FlowState, ctx: FlowContext): LabeledOption | null {
  if (step.kind !== "choice" || !step.suggestFrom) return null;
  const source = state.answers[step.suggestFrom];
  if (typeof source !== "string") return null;
  let address = source.replace(/^(广东省)?中山市/, "");
  for (const [alias, target] of Object.entries(TOWN_ALIASES)) address = address.replace(alias, target);
  const scored = optionsFor(step, ctx)
    .map((o) => {
      const name = o.label.replace(/(镇|街道)$/, "");
      const score = address.includes(name) ? (new RegExp(`${escapeRe(name)}(镇|街道|区)`).test(address) ? 2 : 1) : 0;
      return { o, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score);
  if (scored.length === 0 || (scored.length > 1 && scored[1]!.score === scored[0]!.score)) return null;
  return scored[0]!.o;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const numbered = (opts: LabeledOption[]) => opts.map((o, i) => `${i + 1}. ${o.label}`).join("\n");

const MAX_TEXT_BYTES = 1800; // WeCom cuts text messages at 2048 bytes

/** Lines joined into as few text messages as fit under the platform's size limit. */
export function chunkLines(lines: string[], maxBytes = MAX_TEXT_BYTES): OutboundMessage[] {
  const out: string[] = [];
  let current = "";
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  for (const line of lines) {
    const candidate = current ? `${current}\n${line}` : line;
    if (current && bytes(candidate) > maxBytes) {
      out.push(current);
      current = line;
    } else current = candidate;
  }
  if (current) out.push(current);
  return out.map(text);
}

/** `{{stepId}}` in a prompt: that step's answer as the summary shows it (a choice by its label). */
export function fillPrompt(prompt: string, flow: FlowDefinition, state: FlowState, ctx: FlowContext): string {
  return prompt.replace(/\{\{(\w+)\}\}/g, (_, id: string) => {
    const v = state.answers[id];
    const step = flow.steps.find((st) => st.id === id);
    if (v === undefined || v === null || !step || step.kind === "notice") return "";
    const options = optionsFor(step, ctx);
    if (options.length > 0) return (Array.isArray(v) ? v : [String(v)]).map((x) => options.find((o) => o.value === x)?.label ?? x).join("、");
    return formatValue(step, v, ctx.towns);
  });
}

/** The question for `step`, with `prefix` lines (heading, error) in front. */
export function questionMessages(flow: FlowDefinition, state: FlowState, rawStep: AnswerStep, ctx: FlowContext, prefix: string[] = []): OutboundMessage[] {
  const step = rawStep.prompt.includes("{{") ? { ...rawStep, prompt: fillPrompt(rawStep.prompt, flow, state, ctx) } : rawStep;
  const notes: string[] = [];
  if (step.optional) notes.push("（选填，可回复“跳过”）");
  if (step.id in state.answers) notes.push(`当前：${formatValue(step, state.answers[step.id], ctx.towns)}（回复新内容即可修改）`);
  const room = buttonRoom(ctx);
  const card = (title: string, buttons: CardButton[], description?: string): OutboundMessage => {
    if (step.optional && buttons.length < room) buttons.push({ key: KEY.skip(step.id), label: "跳过" });
    return { kind: "card", card: { id: nextCardId(flow, state, step.id), title, description, buttons } };
  };
  const body = (extra: string[]) => [step.prompt, ...notes, ...extra].join("\n");
  let out: OutboundMessage[];
  switch (step.kind) {
    case "yes-no": {
      if (room >= 2) {
        const buttons: CardButton[] = [
          { key: KEY.answer(step.id, "yes"), label: step.yesLabel ?? "是", style: "primary" },
          { key: KEY.answer(step.id, "no"), label: step.noLabel ?? "否" },
        ];
        out = [card(step.prompt, buttons, notes.join("\n") || undefined)];
      } else out = [text(body(["请回复“是”或“否”"]))];
      break;
    }
    case "choice": {
      const opts = optionsFor(step, ctx);
      const suggested = suggestOption(step, state, ctx);
      if (!suggested && opts.length <= room) {
        const buttons = opts.map((o): CardButton => ({ key: KEY.answer(step.id, o.value), label: o.label }));
        out = [card(step.prompt, buttons, notes.join("\n") || undefined)];
      } else if (suggested) {
        const tip = `根据注册地址，应为“${suggested.label}”。回复“是”确认，或回复序号选择其他。`;
        out = [text(body([numbered(opts), tip]))];
        if (room >= 1) out.push(card(`是“${suggested.label}”吗？`, [{ key: KEY.answer(step.id, suggested.value), label: `是，${suggested.label}`, style: "primary" }]));
      } else out = [text(body([numbered(opts), "回复序号，如 1"]))];
      break;
    }
    case "multi-choice": {
      if (step.choiceSource === "context") {
        // Run-time lists (an application's fields) can be long: the prompt says how to answer.
        out = chunkLines([body([]), ...optionsFor(step, ctx).map((o, i) => `${i + 1}. ${o.label}`)]);
        break;
      }
      const options = step.options ?? [];
      const tip = `可多选，回复序号，如 ${multiExample(options.length)}${step.none ? `；都没有请回复“${step.none.label}”` : ""}`;
      out = [text(body([numbered(options), tip]))];
      if (step.none && room >= 1) out.push(card(`${step.label}：都没有？`, [{ key: KEY.none(step.id), label: step.none.label }]));
      break;
    }
    case "scale": {
      // 8.1 "scales are buttons where the channel has them, numbers otherwise". A range wider than
      // one card (0–10: 11 values, 6 buttons a card) goes over consecutive cards, each a real answer.
      const legend = scaleLegend(step);
      const groups = room >= 2 ? scaleGroups(step, room) : [];
      if (groups.length === 0 || groups.length > 3) {
        out = [text(body([`请回复 ${step.min}–${step.max} 之间的数字${legend ? `（${legend}）` : ""}`]))];
        break;
      }
      const description = [legend, ...notes].filter(Boolean).join("\n") || undefined;
      out = groups.map((g, i) => {
        const buttons = g.map((v): CardButton => ({ key: KEY.answer(step.id, String(v)), label: String(v) }));
        const title = i === 0 ? step.prompt : `${step.label}：${g[0]}–${g.at(-1)}`;
        return i === groups.length - 1 ? card(title, buttons, description) : { kind: "card", card: { id: nextCardId(flow, state, step.id), title, description, buttons } };
      });
      // No room left for 跳过 on the last card: it gets one of its own.
      if (step.optional && groups.at(-1)!.length >= room) out.push(card(`${step.label}（选填）`, []));
      break;
    }
    default:
      out = [text(body([]))];
      // Phones: a tap is easier than typing 跳过.
      if (step.optional && room >= 1) out.push(card(`${step.label}（选填）`, []));
  }
  return withPrefix(prefix, out);
}

export function helpText(ctx: FlowContext): string {
  return [
    "可以随时回复：",
    "· 返回：回到上一题",
    "· 跳过：跳过选填的问题",
    "· 修改 序号：修改已填的内容，如“修改 3”",
    "· 取消：暂停申请（已填内容会保留）",
    "· 继续：重新显示当前问题",
    "· 菜单：回到主菜单",
    `遇到困难请联系：${ctx.helpContact}`,
  ].join("\n");
}

/** After 3 failed tries: offer a way out instead of repeating the same question. */
export function helpOffer(step: AnswerStep, error: string, ctx: FlowContext): string {
  return [
    "这一题好像不太好填，需要帮忙吗？",
    `本题要求：${error}`,
    `· 可联系${ctx.helpContact}`,
    step.optional ? "· 本题选填，可回复“跳过”" : "· 本题必填；可回复“返回”修改上一题",
    "· 回复“取消”可暂停申请，已填内容会保留",
  ].join("\n");
}

export function cancelConfirmMessages(flow: FlowDefinition, state: FlowState, ctx: FlowContext): OutboundMessage[] {
  // forgetOnEnd (8.1): a cancelled conversation keeps no answers.
  const kept = flow.conversation?.forgetOnEnd ? "已填写的内容不会保存。" : "已填写的内容会保留，之后回复“继续”可接着填。";
  if (buttonRoom(ctx) < 2) return [text(`确定要取消申请吗？${kept}\n回复“是”确认取消，回复“否”继续填写。`)];
  const buttons: CardButton[] = [
    { key: KEY.cancelYes, label: "确定取消", style: "danger" },
    { key: KEY.cancelNo, label: "继续填写", style: "primary" },
  ];
  return [{ kind: "card", card: { id: nextCardId(flow, state, "cancel"), title: "确定要取消申请吗？", description: kept, buttons } }];
}

/** The action under the summary: submit / edit / cancel. */
export function summaryActionMessages(flow: FlowDefinition, state: FlowState, ctx: FlowContext, editable: string): OutboundMessage[] {
  const editHint = `需要修改请回复序号${editable}，如“修改 3”`;
  if (buttonRoom(ctx) < 3) return [text(`确认无误请回复“确认提交”；${editHint}。`)];
  const buttons: CardButton[] = [
    { key: KEY.submit, label: "确认提交", style: "primary" },
    { key: KEY.edit, label: "修改" },
    { key: KEY.cancel, label: "取消申请", style: "danger" },
  ];
  return [{ kind: "card", card: { id: nextCardId(flow, state, "summary"), title: flow.summary?.title ?? flow.title, description: `${editHint}。`, buttons } }];
}
