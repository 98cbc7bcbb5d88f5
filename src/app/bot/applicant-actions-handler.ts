import type { PrismaClient } from "../../storage/database.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import { shortId } from "../approvals/approval-texts.ts";
import { APPLICATION_FLOW } from "./application-handler.ts";
import type { BotHandler } from "./bot-context.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

const URGE = ["催办", "催一下", "urge"];
const WITHDRAW = ["撤回", "撤回申请", "withdraw"];
const WITHDRAW_CONFIRM = ["确认撤回"];
/** Reaches this handler only when the head-confirm handler found no draft of this person to declare for. */
const DECLARE = ["声明授权"];

/** What an applicant can do with a submitted application: urge (催办) and withdraw (撤回). */
export function applicantActionsHandler(deps: { prisma: PrismaClient; approvals: ApprovalService }): BotHandler {
  const { prisma, approvals } = deps;
  return async (ctx) => {
    const word = ctx.text?.normalize("NFKC").trim().toLowerCase();
    if (!word || ![...URGE, ...WITHDRAW, ...WITHDRAW_CONFIRM, ...DECLARE].includes(word)) return false;
    if (DECLARE.includes(word)) {
      // Mid-form it may be an answer (负责人确认方式 offers 声明代为提交): the form's to judge.
      if ((await prisma.conversationSession.count({ where: { personId: ctx.person.id, flowId: APPLICATION_FLOW, status: "ACTIVE" } })) > 0) return false;
      // Only the applicant of a draft awaiting its head may declare authority (A.1 负责人签名).
      await refuseInChat(ctx, { action: "declare_authority.refused", reason: "no_draft_awaiting_head", text: "您没有等待负责人确认的申请，无需声明授权。回复“我的申请”查看您的申请。" });
      return true;
    }
    // Only one's own applications: urging or withdrawing someone else's is refused (and audited).
    const app = await prisma.application.findFirst({ where: { applicantId: ctx.person.id, status: { in: ["DRAFT", "IN_REVIEW", "RETURNED"] } }, orderBy: { createdAt: "desc" } });
    if (!app) {
      const action = URGE.includes(word) ? "urge.refused" : "withdraw.refused";
      await refuseInChat(ctx, { action, reason: "no_open_application_of_actor", text: "您没有正在审核中的申请（只有申请人本人可以催办或撤回）。回复“我的申请”查看全部。" });
      return true;
    }
    const channel = ctx.event.sender.channel;
    if (URGE.includes(word)) {
      let ok = false;
      await ctx.commit([], async (tx) => {
        const r = await approvals.urge(tx, app);
        ok = r.ok;
        return r.out;
      });
      await ctx.commit([{ kind: "text", text: ok ? `已催办：已再次提醒审核人员尽快处理申请 ${shortId(app.id)}。` : app.status === "IN_REVIEW" ? "今天已经催办过了，每个工作日可催办一次。" : "申请当前不在审核中，无需催办。" }]);
      return true;
    }
    if (WITHDRAW.includes(word)) {
      await ctx.commit([{ kind: "text", text: `确定要撤回 ${app.enterpriseName} 的工作室申请（${shortId(app.id)}）吗？撤回后不能恢复，可以重新申请。\n确定请回复“确认撤回”。` }]);
      return true;
    }
    await ctx.commit([{ kind: "text", text: `申请 ${shortId(app.id)} 已撤回。如需重新申请，回复“申请工作室”。` }], (tx) => approvals.withdraw(tx, app.id, { id: ctx.person.id, channel }));
    return true;
  };
}
