// Questions and engine messages as OutboundMessages: card buttons where the channel has them
// and the options fit, numbered text lists otherwise.
import type { CardButton, OutboundMessage } from "../domain/chat.ts";
import { KEY } from "./commands.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { AnswerStep, AnswerValue, FlowDefinition } from "./flow-schema.ts";
import { ZHONGSHAN_TOWNS } from "../domain/towns.ts";
import { normalizeWord, TOWN_ALIASES, type LabeledOption } from "./normalize.ts";
import { formatValue } from "./summary.ts";
import { multiExample } from "./parse-answer.ts";
import { scaleGroups, scaleLegend } from "./scale.ts";
import { countRun, countsQuestion, questionNumbers } from "./help-texts.ts";
import { activeAnswerSteps } from "./answers.ts";

export const text = (t: string): OutboundMessage => ({ kind: "text", text: t });

/** Card ids are `${flow.id}-${name}-${n}` with n from the state, so every send is unique. */
export function nextCardId(flow: FlowDefinition, state: FlowState, name: string): string {
  state.cardSeq += 1;
  return `${flow.id}-${name}-${state.cardSeq}`;
}

/** Buttons one card of this channel can carry (0: the channel has none, questions go as text). */
export function buttonRoom(ctx: Pick<FlowContext, "capabilities">): number {
  return ctx.capabilities.buttons ? ctx.capabilities.maxButtons : 0;
}

/** Puts lines (an error, "已跳过") inside the first message: in front of its text or its card's description. */
export function withPrefix(prefix: string[], messages: OutboundMessage[]): OutboundMessage[] {
  const head = prefix.filter((p) => p !== "").join("\n");
  if (head === "") return messages;
  const [first, ...rest] = messages;
  if (first?.kind === "text") return [text(`${head}\n${first.text}`), ...rest];
  if (first?.kind === "card") return [{ kind: "card", card: { ...first.card, description: [head, first.card.description ?? ""].filter(Boolean).join("\n") } }, ...rest];
  return [text(head), ...messages];
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

/** The button value of "选择其他" on a suggested choice: show the whole list. */
export const OTHER_VALUE = "@other";

export interface AskOptions {
  /** Show the whole list although the address suggests an option (after "选择其他"). */
  noSuggest?: boolean;
}

/** "第 12/31 题 · 负责人与联系人": where the person is (in questions, see questionNumbers), for flows with parts (not in a revision). */
export function progressLine(flow: FlowDefinition, state: FlowState, step: AnswerStep): string | null {
  if (flow.sections.length <= 1 || state.onlyFields) return null;
  const steps = activeAnswerSteps(flow, state.answers);
  const i = steps.findIndex((st) => st.id === step.id);
  if (i < 0) return null;
  const numbers = questionNumbers(steps);
  const section = flow.sections.find((sec) => sec.id === step.section)?.title;
  return `第 ${numbers[i]}/${numbers.at(-1)} 题${section ? ` · ${section}` : ""}`;
}

/** How a town reads in a sentence: 小榄镇, 石岐街道, 中山港（火炬开发区）; an admin's own town as named. */
export function townDisplay(town: { id: string; name: string }): string {
  const seed = ZHONGSHAN_TOWNS.find((t) => t.id === town.id);
  if (!seed || seed.name !== town.name) return town.name;
  if (ZONE_NAMES[town.id]) return `${town.name}（${ZONE_NAMES[town.id]}）`;
  return `${town.name}${seed.kind}`;
}
const ZONE_NAMES: Record<string, string> = { zhongshangang: "火炬开发区" };

/** An option as the echo and the card update say it. */
export function optionDisplay(step: AnswerStep, option: LabeledOption, ctx: FlowContext): string {
  if (step.kind === "choice" && step.choiceSource === "towns") {
    const town = ctx.towns.find((t) => t.id === option.value);
    if (town) return townDisplay(town);
  }
  return option.label;
}

/**
 * WeCom shows a card's description in sub_title_text, cut at 160 characters: a question whose
 * lines would not fit goes as text instead (still one message).
 */
const CARD_TEXT_MAX = 150;
const CARD_TITLE_MAX = 36;

/**
 * The question for `step` as ONE message: `prefix` lines (echo of the last answer, an error,
 * notices) and the progress line go inside it, in the card's description or the text. 跳过 is a
 * button of the card, or "跳过" in the text; never a message of its own.
 */
export function questionMessages(flow: FlowDefinition, state: FlowState, rawStep: AnswerStep, ctx: FlowContext, prefix: string[] = [], opts: AskOptions = {}): OutboundMessage[] {
  const step = rawStep.prompt.includes("{{") ? { ...rawStep, prompt: fillPrompt(rawStep.prompt, flow, state, ctx) } : rawStep;
  const said = prefix.filter((p) => p !== "");
  const progress = progressLine(flow, state, step);
  const lead = progress ? [...said, progress] : said;
  const current = step.id in state.answers ? `当前：${formatValue(step, state.answers[step.id], ctx.towns)}（回复新内容即可修改）` : "";
  const room = buttonRoom(ctx);
  const skipNote = "（选填，可回复“跳过”）";
  /** The question as text: lead, prompt, notes and how to answer. */
  const asText = (how: string[]): OutboundMessage => {
    const question = [progress ?? "", step.prompt, step.optional ? skipNote : "", current, ...how].filter(Boolean).join("\n");
    return text([...said, question].join("\n\n"));
  };
  /**
   * The question as a card when it fits, else `fallback` text. Only a long lead (the intro, a
   * standard's full wording, the help text) that cannot fit goes in a text of its own before the
   * card, so the buttons stay; progress, echoes and errors always fit inside.
   */
  const asCard = (title: string, buttons: CardButton[], fallback: string[], extra: string[] = []): OutboundMessage[] => {
    const all = [...buttons];
    const skipButton = step.optional && all.length < room;
    if (skipButton) all.push({ key: KEY.skip(step.id), label: "跳过" });
    if (all.length === 0 || all.length > room) return [asText(fallback)];
    // WeCom cuts a card's title at 36 characters: a longer question goes whole into the description.
    const long = Array.from(title).length > CARD_TITLE_MAX;
    const describe = (head: string[]) => [...head, long ? title : "", ...extra, step.optional && !skipButton ? "选填，可回复“跳过”" : "", current].filter(Boolean).join("\n");
    const fits = (d: string) => Array.from(d).length <= CARD_TEXT_MAX;
    const card = (d: string): OutboundMessage => ({ kind: "card", card: { id: nextCardId(flow, state, step.id), title: long ? step.label : title, description: d || undefined, buttons: all } });
    if (fits(describe(lead))) return [card(describe(lead))];
    const bare = describe(progress ? [progress] : []);
    return fits(bare) ? [text(said.join("\n\n")), card(bare)] : [asText(fallback)];
  };
  switch (step.kind) {
    case "yes-no": {
      const buttons: CardButton[] = [
        { key: KEY.answer(step.id, "yes"), label: step.yesLabel ?? "是", style: "primary" },
        { key: KEY.answer(step.id, "no"), label: step.noLabel ?? "否" },
      ];
      return asCard(step.prompt, buttons, ["请回复“是”或“否”"]);
    }
    case "choice": {
      const options = optionsFor(step, ctx);
      const suggested = opts.noSuggest ? null : suggestOption(step, state, ctx);
      if (suggested) {
        // The address names the town: one tap to confirm instead of a list of 23.
        const name = optionDisplay(step, suggested, ctx);
        const buttons: CardButton[] = [
          { key: KEY.answer(step.id, suggested.value), label: "是", style: "primary" },
          { key: KEY.answer(step.id, OTHER_VALUE), label: "选择其他" },
        ];
        return asCard(`属于${name}，对吗？`, buttons, [`属于${name}，对吗？回复“是”确认，或回复“选择其他”`], [step.prompt]);
      }
      // A form with parts (the application) numbers its buttons as its errors name the options
      // ("1 未上市"); short dialogs and two options keep bare labels.
      const numberedButtons = options.length >= 3 && flow.sections.length > 1;
      const buttons = options.map((o, i): CardButton => ({ key: KEY.answer(step.id, o.value), label: numberedButtons ? `${i + 1} ${o.label}` : o.label }));
      const how = [numbered(options), "回复序号，如 1"];
      return options.length <= room ? asCard(step.prompt, buttons, how) : [asText(how)];
    }
    case "multi-choice": {
      if (step.choiceSource === "context") {
        // Run-time lists (an application's fields) can be long: the prompt says how to answer.
        return chunkLines([[...lead, step.prompt, current].filter(Boolean).join("\n"), ...optionsFor(step, ctx).map((o, i) => `${i + 1}. ${o.label}`)]);
      }
      const options = step.options ?? [];
      const tip = `可多选，回复序号，如 ${multiExample(options.length)}${step.none ? `；都没有请回复“${step.none.label}”` : ""}`;
      const buttons: CardButton[] = step.none ? [{ key: KEY.none(step.id), label: step.none.label }] : [];
      return asCard(step.prompt, buttons, [numbered(options), tip], [numbered(options), tip]);
    }
    case "scale": {
      // 8.1 "scales are buttons where the channel has them, numbers otherwise". A range wider than
      // one card (0–10: 11 values, 6 buttons a card) goes over consecutive cards, each a real answer;
      // the lead lines go in the first, 跳过 on the last (or "跳过" in its text when it is full).
      const legend = scaleLegend(step);
      const groups = room >= 2 ? scaleGroups(step, room) : [];
      if (groups.length === 0 || groups.length > 3) return [asText([`请回复 ${step.min}–${step.max} 之间的数字${legend ? `（${legend}）` : ""}`])];
      return groups.map((g, i): OutboundMessage => {
        const buttons = g.map((v): CardButton => ({ key: KEY.answer(step.id, String(v)), label: String(v) }));
        const last = i === groups.length - 1;
        if (last && step.optional && buttons.length < room) buttons.push({ key: KEY.skip(step.id), label: "跳过" });
        // 8.1: the word 跳过 always works, so the last card says so (with or without its button).
        const description = [...(i === 0 ? lead : []), legend, last && step.optional ? skipNote : "", last ? current : ""].filter(Boolean).join("\n");
        const title = i === 0 ? step.prompt : `${step.label}：${g[0]}–${g.at(-1)}`;
        return { kind: "card", card: { id: nextCardId(flow, state, step.id), title, description: description || undefined, buttons } };
      });
    }
    case "number": {
      // A run of counts is one question (and one message), not eight.
      const run = countRun(flow, state, step);
      if (run.length === 0) return [asText([])];
      return [text([...said, [progress ?? "", ...countsQuestion(run)].filter(Boolean).join("\n")].join("\n\n"))];
    }
    default:
      return [asText([])];
  }
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

/**
 * "已选：中山港（火炬开发区）": what a typed answer to a choice was taken to mean, said back in the
 * next question's message. Nothing when the reply was the option's own label (or 是/否).
 */
export function echoLine(step: AnswerStep, value: AnswerValue, input: string, ctx: FlowContext): string {
  const typed = normalizeWord(input);
  // A number picked from the list, or the label itself, was not inferred: nothing to say back.
  const said = (labels: string[]) => (labels.length === 0 || /^[\d\s,，、]+$/.test(typed) || labels.some((l) => normalizeWord(l) === typed) ? "" : `已选：${labels.join("、")}`);
  if (step.kind === "yes-no" && typeof value === "boolean") {
    const label = value ? (step.yesLabel ?? "是") : (step.noLabel ?? "否");
    return ["是", "否", "yes", "no"].includes(typed) ? "" : said([label]);
  }
  if (step.kind !== "choice" && step.kind !== "multi-choice") return "";
  const options = optionsFor(step, ctx);
  const values = Array.isArray(value) ? value.map(String) : value === null ? [] : [String(value)];
  if (step.kind === "multi-choice" && values.length === 0) return step.none ? said([step.none.label]) : "";
  return said(values.map((v) => options.find((o) => o.value === v)).filter((o): o is LabeledOption => o !== undefined).map((o) => optionDisplay(step, o, ctx)));
}
