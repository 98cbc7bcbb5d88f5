// 6.3 a / A.1: an application's history as officers and applicants read it — who submitted,
// decided, returned, forwarded or resubmitted (with what changed), and when. One list for the
// approval cards, the applicant's timeline (我的申请) and the print view's record.
import { studioApplicationFlow } from "../../../bot-flows/studio-application.ts";
import type { Stage } from "../../domain/approval/approval-machine.ts";
import { localParts } from "../../domain/calendar/working-days.ts";
import { maskMobiles } from "../../domain/mask.ts";
import type { Answers, FlowDefinition } from "../../flows/flow-schema.ts";
import { describeAnswers, UNFILLED } from "../../flows/summary.ts";
import type { ApplicationHistoryData, StepRecord } from "../../storage/approval-history.ts";

export interface FieldChange {
  label: string;
  from: string;
  to: string;
}

export type HistoryEntry =
  | { kind: "submitted"; at: Date; name: string | null }
  | { kind: "resubmitted"; at: Date; name: string | null; changes: FieldChange[] }
  | { kind: "decided"; at: Date; stage: Stage; status: "APPROVED" | "RETURNED" | "REJECTED"; name: string; opinion: string; returnFields: string[] }
  | { kind: "forwarded"; at: Date; name: string; from: string; to: string; reason: string };

/** Stage names short enough for a card line. */
export const STAGE_ABBR: Record<Stage, string> = { 1: "镇街初审", 2: "市局科室", 3: "市局审批" };

const DECIDED = new Set(["APPROVED", "RETURNED", "REJECTED"]);

/** What changed between the answers as returned and as resubmitted, as the summary displays them. */
export function answerChanges(before: Answers, after: Answers, towns: readonly { id: string; name: string }[] = [], flow: FlowDefinition = studioApplicationFlow): FieldChange[] {
  // A year reads best bare ("（未填）→ 2021"); everything else as the summary shows it.
  const years = new Set(flow.steps.filter((s) => s.kind === "year").map((s) => s.id));
  const show = (f: { stepId: string; value: unknown; display: string }) => (years.has(f.stepId) && typeof f.value === "number" ? String(f.value) : f.display);
  const shown = (a: Answers) => new Map(describeAnswers(flow, a, { towns }).flatMap((s) => s.fields.map((f) => [f.stepId, { label: f.label, display: show(f) }] as const)));
  const was = shown(before);
  const out: FieldChange[] = [];
  for (const [id, now] of shown(after)) {
    const old = was.get(id)?.display ?? UNFILLED;
    // Mobiles travel in audit entries and cards: masked there, in full only on the form itself.
    if (old !== now.display) out.push({ label: now.label, from: maskMobiles(old), to: maskMobiles(now.display) });
  }
  return out;
}

/** Step ids of a return → the fields' labels. */
export function fieldLabels(json: string | null, flow: FlowDefinition = studioApplicationFlow): string[] {
  let ids: unknown;
  try {
    ids = JSON.parse(json ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(ids)) return [];
  return ids.map((id) => {
    const step = flow.steps.find((s) => s.id === id);
    return step && "label" in step && step.label ? step.label : String(id);
  });
}

/** Everything that happened, oldest first. */
export function historyOf(data: ApplicationHistoryData): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const s of data.submissions) {
    const name = s.actorId ? (data.personNames.get(s.actorId) ?? null) : null;
    out.push(s.action === "application.submitted" ? { kind: "submitted", at: s.at, name } : { kind: "resubmitted", at: s.at, name, changes: s.changes });
  }
  for (const s of data.steps) {
    if (!s.decidedAt) continue;
    if (DECIDED.has(s.status)) {
      out.push({ kind: "decided", at: s.decidedAt, stage: s.stage as Stage, status: s.status as "APPROVED", name: s.decidedByName ?? "", opinion: s.opinion ?? "", returnFields: fieldLabels(s.returnFields) });
    } else if (s.status === "FORWARDED") {
      const next = data.steps.find((n) => n.stage === 1 && n.round === s.round + 1);
      const town = (id: string | null | undefined) => (id ? (data.townNames.get(id) ?? id) : "");
      out.push({ kind: "forwarded", at: s.decidedAt, name: s.decidedByName ?? "", from: town(s.townId), to: town(next?.townId), reason: s.opinion ?? "" });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The step still waiting for a decision, if any. */
export function pendingStep(data: ApplicationHistoryData): StepRecord | undefined {
  return data.steps.find((s) => s.status === "PENDING");
}

/** "11-24 10:32" in the business time zone. */
export function shortTime(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "同意推荐", "同意：建议尽快建站" — never "同意。同意". */
export function approvalWords(opinion: string): string {
  const o = opinion.trim();
  return o === "" ? "同意" : o.startsWith("同意") ? o : `同意：${o}`;
}

export function changesText(changes: readonly FieldChange[]): string {
  // "（未填）" already has its brackets.
  return changes.map((c) => `${c.label}${c.from.startsWith("（") ? c.from : `（${c.from}）`}→ ${c.to}`).join("；");
}

/** One line per entry, short enough for a card: "镇街初审 周敏 11-24 同意推荐". */
export function historyLine(e: HistoryEntry, timeZone: string): string {
  const at = shortTime(e.at, timeZone).slice(0, 5);
  switch (e.kind) {
    case "submitted":
      return `提交 ${at}${e.name ? ` ${e.name}` : ""}`;
    case "resubmitted":
      return `重新提交 ${at}${e.changes.length ? ` · 已修改：${changesText(e.changes)}` : ""}`;
    case "forwarded":
      return `${STAGE_ABBR[1]} ${e.name} ${at} 转至${e.to}：${e.reason}`;
    case "decided": {
      const head = `${STAGE_ABBR[e.stage]} ${e.name} ${at}`;
      if (e.status === "APPROVED") return `${head} ${approvalWords(e.opinion)}`;
      if (e.status === "REJECTED") return `${head} 不同意：${e.opinion}`;
      return `${head} 退回修改：${e.opinion}${e.returnFields.length ? `（需修改：${e.returnFields.join("、")}）` : ""}`;
    }
  }
}
