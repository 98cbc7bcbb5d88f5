// A typed answer to the current question, read the way people write it: several labelled counts
// at once ("发明12件，实用新型45件"), a negation on an optional question ("未认证"), and an echo of
// whatever was inferred ("已选：省级专精特新") so a wrong guess is seen at once. The rest (skip
// words, the town suggestion, refusals) is engine-core's answerText.
import { activeAnswerSteps } from "./answers.ts";
import { advance, answerText, ask, commit, refuse, type Run } from "./engine-core.ts";
import type { AnswerStep, AnswerValue } from "./flow-schema.ts";
import { echoList, parseLabelledAnswers, stepNamed } from "./multi-answer.ts";
import { isNegation, isNoneWord, normalizeWord, parseYesNo, toHalfWidthAlnum } from "./normalize.ts";
import { parseAnswer } from "./parse-answer.ts";
import { countRun, readCountSequence } from "./help-texts.ts";
import { aliasesFor, optionsFor } from "./render.ts";
import { formatValue } from "./summary.ts";

/** The consecutive number questions of the current one's section (the counts of A.1 有效量). */
function numberBlock(run: Run, step: AnswerStep): AnswerStep[] {
  const steps = activeAnswerSteps(run.flow, run.s.answers);
  const i = steps.findIndex((st) => st.id === step.id);
  if (i < 0) return [step];
  const same = (st: AnswerStep | undefined) => st !== undefined && st.kind === "number" && st.section === step.section;
  let from = i;
  let to = i;
  while (same(steps[from - 1])) from--;
  while (same(steps[to + 1])) to++;
  return steps.slice(from, to + 1);
}

/** What to echo after a number or year that was read rather than typed plainly ("三百人"), or null. */
function echoFor(run: Run, step: AnswerStep, input: string, value: AnswerValue): string | null {
  const w = normalizeWord(input);
  const plain = step.kind === "number" ? /^[\d,.]+\s*(万元|万|元|人|件|个|名)?$/.test(w) : step.kind === "year" ? /^\d{4}\s*年?$/.test(w) : true;
  return plain ? null : `已记录：${formatValue(step, value, run.ctx.towns)}`;
}

/** Several answers from one message: stored together, then on to the next unanswered question. */
function fillMany(run: Run, current: AnswerStep, filled: { step: AnswerStep; value: AnswerValue }[]): void {
  const { s } = run;
  const wasEdit = current.id in s.answers;
  for (const { step, value } of filled) {
    s.answers[step.id] = value;
    delete s.failures[step.id];
    s.queue = s.queue.filter((q) => q !== step.id);
    if (!s.history.includes(step.id)) s.history.push(step.id);
  }
  const echo = `已填：${echoList(filled)}`;
  if (filled.some((f) => f.step.id === current.id)) return advance(run, current.id, [echo], wasEdit);
  ask(run, current, [echo]);
}

export function answerTyped(run: Run, step: AnswerStep, input: string): void {
  const { s, ctx } = run;
  const listed = (step.kind === "choice" || step.kind === "multi-choice") && step.choiceSource === "context";
  const understood = ["choice", "multi-choice", "yes-no", "number", "year"].includes(step.kind) && !listed;
  // Skip words stay with answerText.
  if (!understood || (step.optional && isNoneWord(input))) return answerText(run, step, input);
  if (step.kind === "number") {
    // The run of counts asked as one question: "12 45 8 0 6 0 3 0" answers all of it in order.
    const counts = countRun(run.flow, s, step);
    const seq = counts.length > 0 ? readCountSequence(counts, toHalfWidthAlnum(input)) : null;
    if (seq && "error" in seq) return refuse(run, step, seq.error);
    if (seq) {
      const filled = counts.map((st, i) => ({ st, r: parseAnswer(st, seq.values[i]!, { now: ctx.now, options: [] }) }));
      const bad = filled.find((f) => !f.r.ok);
      if (bad && !bad.r.ok) return refuse(run, step, `${bad.st.label}：${bad.r.error}`);
      return fillMany(run, step, filled.map(({ st, r }) => ({ step: st, value: r.ok ? r.value : null })));
    }
  }
  const env = { now: ctx.now, options: optionsFor(step, ctx), aliases: aliasesFor(step) };
  const r = parseAnswer(step, input, env);
  // A suggested town: 是/对/不是 answer the suggestion (answerText), unless a town is named ("是坦洲").
  const names = [...env.options.map((o) => o.label), ...Object.keys(env.aliases ?? {})];
  const toSuggestion = step.kind === "choice" && step.suggestFrom !== undefined && parseYesNo(input) !== null && !names.some((n) => input.includes(n));
  if (r.ok && !toSuggestion) {
    // Choices and yes/no: answerText says back what was inferred (render.ts echoLine); a town named
    // against the suggestion ("是坦洲") is taken here, as answerText would read 是 as the suggestion.
    if (step.kind === "choice" && step.suggestFrom !== undefined && parseYesNo(input) !== null) return commit(run, step, r.value, [`已选：${formatValue(step, r.value, ctx.towns)}`]);
    if (step.kind === "choice" || step.kind === "multi-choice" || step.kind === "yes-no") return answerText(run, step, input);
    const echo = r.value === null && isNegation(input) ? `已记录：${step.label}——${input.trim()}` : echoFor(run, step, input, r.value);
    return commit(run, step, r.value, echo ? [echo] : []);
  }
  if (step.kind === "number") {
    const block = numberBlock(run, step);
    // A revision may only set what was returned (still queued); otherwise any count of the block.
    const fillable = new Set(s.onlyFields ? block.filter((st) => st.id === step.id || s.queue.includes(st.id)).map((st) => st.id) : block.map((st) => st.id));
    const m = parseLabelledAnswers(block, fillable, input, ctx.now);
    if (m?.kind === "fill") return fillMany(run, step, m.filled);
    if (m?.kind === "error") return refuse(run, step, m.error);
  }
  answerText(run, step, input);
}

/**
 * "改负责人手机", "修改 上市情况", "改电话": the field's number for edit(), or the fields it could
 * mean, or null when it names none.
 */
export function editTarget(run: Run, arg: string): { n: string } | { candidates: { n: number; label: string }[] } | null {
  if (/^\d+$/.test(arg)) return { n: arg };
  const steps = activeAnswerSteps(run.flow, run.s.answers);
  const hit = stepNamed(steps, arg.replace(/^(一下|下)/, ""));
  if (hit === undefined) return null;
  if (Array.isArray(hit)) return { candidates: hit.map((st) => ({ n: steps.indexOf(st) + 1, label: st.label })) };
  // A long reply that merely mentions a field ("改进负责人手机的管理办法") is not an edit.
  const longest = Math.max(...[hit.label, ...(hit.aliases ?? [])].map((n) => [...n].length));
  if ([...arg].length > longest + 2) return null;
  return { n: String(steps.indexOf(hit) + 1) };
}
