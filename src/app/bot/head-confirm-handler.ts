import { ConflictError } from "../../domain/errors.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { createDirectory } from "../../storage/directory.ts";
import { messagesTo } from "../../storage/outbox.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { BotHandler } from "./bot-context.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

/**
 * A.1 负责人签名: the head confirms an application in chat (card "确认提交"), or the applicant
 * declares the head's authority ("声明授权"). Either way the choice is recorded, then submitted.
 */
export function headConfirmHandler(deps: { prisma: PrismaClient; approvals: ApprovalService }): BotHandler {
  const { prisma, approvals } = deps;
  return async (ctx) => {
    const e = ctx.event;
    if (e.kind === "button" && (e.key === "hc:confirm" || e.key === "hc:decline") && e.cardId) {
      const card = await prisma.sentCard.findUnique({ where: { id: e.cardId } });
      const appId = card?.purpose.startsWith("head-confirm:") ? card.purpose.slice("head-confirm:".length) : null;
      const acting = e.actingAdmin ? { actingAdmin: e.actingAdmin } : {};
      // Bound to the person, and to the channel identity the card was sent to.
      const mismatch = !card || !appId ? null : card.personId !== ctx.person.id ? "card_not_addressed_to_actor" : card.channel !== e.sender.channel || card.externalUserId !== e.sender.userId ? "card_sent_to_another_channel_identity" : null;
      if (!card || !appId || mismatch) {
        await ctx.commit([{ kind: "text", text: "这张确认卡片不是发给您的。" }], async (tx) => {
          if (appId && mismatch) await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_confirm_refused", applicationId: appId, detail: { reason: mismatch, cardId: e.cardId, key: e.key, ...acting } });
        });
        return true;
      }
      const app = await prisma.application.findUniqueOrThrow({ where: { id: appId } });
      if (app.status !== "DRAFT") {
        await refuseInChat(ctx, { action: "application.head_confirm_refused", reason: "already_handled", subject: { type: "Application", id: app.id }, text: "这份申请已经处理过了，无需再确认。" });
        return true;
      }
      const applicant = await createDirectory(prisma).recipientsOf(app.applicantId);
      const toApplicant = (text: string) => messagesTo(applicant, { kind: "text", text });
      if (e.key === "hc:decline") {
        await ctx.commit([{ kind: "text", text: "已记录：您暂不同意提交该申请。" }], async (tx) => {
          const r = await tx.application.updateMany({ where: { id: app.id, status: "DRAFT" }, data: { status: "WITHDRAWN", decidedAt: ctx.now } });
          if (r.count !== 1) throw new ConflictError("这份申请已经处理过了，无需再确认。");
          await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_declined", applicationId: app.id, detail: { ...acting } });
          return toApplicant(`负责人 ${ctx.person.name} 暂不同意提交 ${app.enterpriseName} 的工作室申请，申请已撤回。`);
        });
        return true;
      }
      await ctx.commit([{ kind: "text", text: "已确认，申请已提交审核。谢谢！" }], async (tx) => {
        const updated = await tx.application.update({ where: { id: app.id }, data: { headConfirmedAt: ctx.now, headConfirmedById: ctx.person.id } });
        await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_confirmed", applicationId: app.id, detail: { ...acting } });
        return approvals.submitted(tx, updated, { id: app.applicantId, channel: e.sender.channel });
      });
      return true;
    }
    if (ctx.text?.trim() === "声明授权") {
      const app = await prisma.application.findFirst({ where: { applicantId: ctx.person.id, status: "DRAFT", headConfirmation: "HEAD_IN_CHAT" }, orderBy: { createdAt: "desc" } });
      if (!app) return false;
      // Once the head has been asked, the head decides: the applicant cannot answer for them.
      if ((await prisma.sentCard.count({ where: { purpose: `head-confirm:${app.id}` } })) > 0) {
        await refuseInChat(ctx, { action: "declare_authority.refused", reason: "head_already_asked", subject: { type: "Application", id: app.id }, text: "已请负责人在聊天中确认，请等待负责人处理。" });
        return true;
      }
      await ctx.commit([{ kind: "text", text: "已记录您的声明：已获负责人授权代为提交。" }], async (tx) => {
        const updated = await tx.application.update({ where: { id: app.id }, data: { headConfirmation: "DECLARED_AUTHORITY" } });
        await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.authority_declared", applicationId: app.id, detail: {} });
        return approvals.submitted(tx, updated, { id: ctx.person.id, channel: e.sender.channel });
      });
      return true;
    }
    return false;
  };
}
