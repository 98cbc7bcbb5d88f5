// 我的申请 (6.3 a): the applicant's latest application as a timeline — who decided what and when,
// returns, forwards and resubmissions, and the pending stage with its due day — with 催办 and 撤回
// as buttons where the channel has them; earlier applications one line each.
import type { Stage } from "../../domain/approval/approval-machine.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import { applicationsOfApplicant, loadApplicationHistory, townLabel } from "../../storage/approval-history.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { approvalWords, changesText, historyOf, pendingStep, shortTime, STAGE_ABBR, type HistoryEntry } from "../approvals/approval-history.ts";
import { shortId, STAGE_SHORT, STATUS_LABELS, wordKey } from "../approvals/approval-texts.ts";
import type { BotContext } from "../bot/bot-context.ts";

/** "✓ 11-24 10:32 镇街初审 周敏：同意推荐" */
export function timelineLine(e: HistoryEntry, timeZone: string): string {
  const at = shortTime(e.at, timeZone);
  switch (e.kind) {
    case "submitted":
      return `✓ ${at} 提交申请`;
    case "resubmitted":
      return `✓ ${at} 重新提交${e.changes.length ? ` · 已修改：${changesText(e.changes)}` : ""}`;
    case "forwarded":
      return `→ ${at} ${e.from || "镇街分局"} ${e.name} 转至${e.to}：${e.reason}`;
    case "decided":
      if (e.status === "APPROVED") return `✓ ${at} ${STAGE_ABBR[e.stage]} ${e.name}：${approvalWords(e.opinion)}`;
      if (e.status === "REJECTED") return `✗ ${at} ${STAGE_ABBR[e.stage]} ${e.name}：不同意，${e.opinion}`;
      return `↩ ${at} ${STAGE_ABBR[e.stage]} ${e.name}：退回修改，${e.opinion}${e.returnFields.length ? `（需修改：${e.returnFields.join("、")}）` : ""}`;
  }
}

const OPEN = new Set(["DRAFT", "IN_REVIEW", "RETURNED"]);

/** The timeline's messages for one person: a text, then (open application, buttons) a card with 催办 / 撤回. */
export async function applicationTimeline(prisma: PrismaClient, ctx: Pick<BotContext, "person" | "capabilities">, timeZone = "Asia/Shanghai"): Promise<OutboundMessage[]> {
  const apps = await applicationsOfApplicant(prisma, ctx.person.id);
  const [app, ...older] = apps;
  if (!app) return [{ kind: "text", text: "您还没有提交过工作室申请。回复“申请工作室”开始填写。" }];
  const data = await loadApplicationHistory(prisma, app.id);
  const pending = pendingStep(data);
  const lines = [`您的申请：${app.enterpriseName}（申请号 ${shortId(app.id)}）`, `状态：${STATUS_LABELS[app.status] ?? app.status}`];
  if (app.studioNumber) lines.push("工作室编号：", app.studioNumber);
  lines.push("进度：", ...historyOf(data).map((e) => timelineLine(e, timeZone)));
  if (pending) {
    const stage = pending.stage as Stage;
    const where = stage === 1 ? `${townLabel(app.town)}分局初审` : STAGE_SHORT[stage];
    lines.push(`⏳ ${where}中，预计 ${pending.dueOn.slice(5)} 前处理`);
  } else if (app.status === "RETURNED") lines.push("⏳ 等您修改后重新提交");
  else if (app.status === "DRAFT") lines.push("⏳ 等负责人确认后提交审核");
  for (const o of older) lines.push(`· 另有 ${o.enterpriseName}（${shortId(o.id)}）：${STATUS_LABELS[o.status] ?? o.status}${o.studioNumber ? ` ${o.studioNumber}` : ""}`);
  const open = OPEN.has(app.status);
  const urgeable = app.status === "IN_REVIEW";
  if (!open) return [{ kind: "text", text: lines.join("\n") }];
  if (!ctx.capabilities.buttons) {
    lines.push(`回复${urgeable ? "“催办”提醒审核人员，" : ""}“撤回”撤回申请。`);
    return [{ kind: "text", text: lines.join("\n") }];
  }
  const buttons = [...(urgeable ? [{ key: wordKey("催办"), label: "催办", style: "primary" as const }] : []), { key: wordKey("撤回"), label: "撤回申请", style: "danger" as const }];
  return [
    { kind: "text", text: lines.join("\n") },
    { kind: "card", card: { id: `st-${crypto.randomUUID().replace(/-/g, "")}`, title: `申请 ${shortId(app.id)} · ${STATUS_LABELS[app.status] ?? app.status}`, description: urgeable ? "审核超时可催办（每个工作日一次）；撤回前会再确认。" : "撤回前会再确认。", buttons } },
  ];
}
