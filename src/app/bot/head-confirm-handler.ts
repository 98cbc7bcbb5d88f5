import { ConflictError } from "../../domain/errors.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { createDirectory } from "../../storage/directory.ts";
import { applicationAwaitingHead, DECLARE_CARD, declarationPrompt, HEAD_CARD, openHeadCards } from "../../storage/head-confirmations.ts";
import { buttonRoom } from "../../flows/render.ts";
import { messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import { finishCards, findSentCard } from "../../storage/sent-cards.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { HeadConfirmation } from "../approvals/head-confirmation.ts";
import { declarationText, HEAD_KEY } from "../approvals/head-texts.ts";
import { APPLICATION_FLOW } from "./application-handler.ts";
import type { BotContext, BotHandler } from "./bot-context.ts";
import { turnOf, type Conversations } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

const CONFIRM_DECLARATION = ["确认声明"];
const CANCEL_DECLARATION = ["取消声明", "取消"];
const EDIT = /^(修改|更改|改一下|改)/;

/** Words the handler answers for an applicant whose application waits for its head (no form open). */
export function isHeadWaitWord(text: string): boolean {
  const w = text.normalize("NFKC").trim().toLowerCase();
  return w === "声明授权" || CONFIRM_DECLARATION.includes(w) || CANCEL_DECLARATION.includes(w) || EDIT.test(w);
}

type AppRow = NonNullable<Awaited<ReturnType<typeof applicationAwaitingHead>>>;

/**
 * A.1 负责人签名 in chat. The head confirms (确认提交) or declines (暂不同意) on the card; the
 * applicant, while the application waits, can change it ("修改 15": the form opens at that field,
 * and the head is asked again) or, when the head has not been asked, declare the head's authority
 * (声明授权 shows the declaration; 确认声明 records it). A returned application the head had signed
 * comes back here when its revision changed fields: the head's confirmation resubmits it.
 */
export function headConfirmHandler(deps: { prisma: PrismaClient; approvals: ApprovalService; heads: HeadConfirmation; conversations: Conversations }): BotHandler {
  const { prisma, approvals } = deps;

  /** Submitted (a draft) or resubmitted (a revision the head confirmed or the applicant declared). */
  async function goOn(tx: Tx, app: AppRow, actor: { id: string; channel: string }): Promise<OutgoingMessage[]> {
    if (app.status === "DRAFT") return approvals.submitted(tx, app, actor);
    const revised = app.returnedFields ? (JSON.parse(app.returnedFields) as string[]) : [];
    return approvals.resubmitted(tx, app, actor, revised);
  }

  async function onHeadCard(ctx: BotContext, key: string, cardId: string): Promise<boolean> {
    const e = ctx.event;
    const card = await findSentCard(prisma, cardId);
    const appId = card?.purpose.startsWith("head-confirm:") ? card.purpose.slice("head-confirm:".length) : null;
    const acting = e.actingAdmin ? { actingAdmin: e.actingAdmin } : {};
    // Bound to the person, and to the channel identity the card was sent to.
    const mismatch = !card || !appId ? null : card.personId !== ctx.person.id ? "card_not_addressed_to_actor" : card.channel !== e.sender.channel || card.externalUserId !== e.sender.userId ? "card_sent_to_another_channel_identity" : null;
    if (!card || !appId || mismatch) {
      await ctx.commit([{ kind: "text", text: "这张确认卡片不是发给您的。" }], async (tx) => {
        if (appId && mismatch) await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_confirm_refused", applicationId: appId, detail: { reason: mismatch, cardId, key, ...acting } });
      });
      return true;
    }
    const app = await prisma.application.findUniqueOrThrow({ where: { id: appId } });
    const waiting = app.status === "DRAFT" || (app.status === "RETURNED" && app.headConfirmation === "HEAD_IN_CHAT" && app.headConfirmedAt === null);
    if (!waiting || (card.finalText !== null && card.finalText !== undefined)) {
      const replaced = waiting && card.finalText?.startsWith("已失效");
      await refuseInChat(ctx, {
        action: "application.head_confirm_refused",
        reason: replaced ? "card_replaced" : "already_handled",
        subject: { type: "Application", id: app.id },
        text: replaced ? "申请已修改，这张卡片已失效，请在最新的确认卡片上确认。" : "这份申请已经处理过了，无需再确认。",
      });
      return true;
    }
    const applicant = await createDirectory(prisma).recipientsOf(app.applicantId);
    const toApplicant = (text: string) => messagesTo(applicant, { kind: "text", text });
    const close = (tx: Tx, text: string) => finishCards(tx, { type: HEAD_CARD, id: app.id }, ctx.now, (c) => (c.id === cardId ? text : `已由 ${ctx.person.name} ${text}`));
    if (key === HEAD_KEY.decline) {
      await ctx.commit([{ kind: "text", text: "已记录：您暂不同意提交该申请。" }], async (tx) => {
        const out = await close(tx, "暂不同意");
        await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_declined", applicationId: app.id, detail: { status: app.status, ...acting } });
        if (app.status === "DRAFT") {
          const r = await tx.application.updateMany({ where: { id: app.id, status: "DRAFT" }, data: { status: "WITHDRAWN", decidedAt: ctx.now } });
          if (r.count !== 1) throw new ConflictError("这份申请已经处理过了，无需再确认。");
          return [...out, ...toApplicant(`负责人 ${ctx.person.name} 暂不同意提交 ${app.enterpriseName} 的工作室申请，申请已撤回。`)];
        }
        return [...out, ...toApplicant(`负责人 ${ctx.person.name} 暂不同意修改后的 ${app.enterpriseName} 工作室申请，申请仍为退回修改状态。可回复“修改 序号”再改，或回复“撤回”。`)];
      });
      return true;
    }
    const again = app.status === "RETURNED";
    await ctx.commit([{ kind: "text", text: again ? "已确认，修改后的申请已重新提交审核。谢谢！" : "已确认，申请已提交审核。谢谢！" }], async (tx) => {
      const out = await close(tx, "已确认");
      const updated = await tx.application.update({ where: { id: app.id }, data: { headConfirmedAt: ctx.now, headConfirmedById: ctx.person.id } });
      await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.head_confirmed", applicationId: app.id, detail: { again, ...acting } });
      return [...out, ...(await goOn(tx, updated, { id: app.applicantId, channel: e.sender.channel }))];
    });
    return true;
  }

  /** 声明授权: the declaration, to be confirmed explicitly (确认声明 / 取消). */
  async function askDeclaration(ctx: BotContext, app: AppRow): Promise<void> {
    const buttons = buttonRoom(ctx) >= 2;
    await ctx.commit([], async (tx) => [await deps.heads.askDeclaration(tx, app, ctx.person, ctx.event.sender, buttons)]);
  }

  async function onDeclaration(ctx: BotContext, app: AppRow, confirmed: boolean): Promise<boolean> {
    const prompt = await declarationPrompt(prisma, app.id, ctx.person.id);
    if (!prompt) {
      if (!confirmed) return false;
      await ctx.commit([{ kind: "text", text: "请先回复“声明授权”查看声明内容。" }]);
      return true;
    }
    const e = ctx.event;
    if (!confirmed) {
      await ctx.commit([{ kind: "text", text: app.headConfirmation === "DECLARED_AUTHORITY" ? "已取消声明，申请已保存、尚未提交。可回复“声明授权”再次声明，或回复“修改 序号”修改。" : "已取消声明，申请仍在等待负责人确认。" }], (tx) => finishCards(tx, { type: DECLARE_CARD, id: app.id }, ctx.now, () => "已取消"));
      return true;
    }
    await ctx.commit([{ kind: "text", text: "已记录您的声明：已获负责人授权代为提交。" }], async (tx) => {
      const out = await finishCards(tx, { type: DECLARE_CARD, id: app.id }, ctx.now, () => "已确认声明");
      const updated = await tx.application.update({ where: { id: app.id }, data: { headConfirmation: "DECLARED_AUTHORITY" } });
      await approvals.audit(tx, { actorId: ctx.person.id, channel: e.sender.channel, action: "application.authority_declared", applicationId: app.id, detail: { declaration: declarationText({ applicantName: ctx.person.name, enterpriseName: app.enterpriseName, headName: app.headName }) } });
      return [...out, ...(await goOn(tx, updated, { id: ctx.person.id, channel: e.sender.channel }))];
    });
    return true;
  }

  /** "修改 15" while the head has not confirmed: the form opens at that field (no summary first). */
  async function editWhileWaiting(ctx: BotContext, app: AppRow, text: string): Promise<void> {
    const bare = /^(修改|更改|改一下|改)$/.test(text.normalize("NFKC").trim());
    const e = ctx.event;
    await ctx.commit([], async (tx) => {
      const out = await deps.conversations.startConversation(tx, { personId: ctx.person.id, channel: e.sender.channel, userId: e.sender.userId, flowId: APPLICATION_FLOW, context: { applicationId: app.id }, prefill: JSON.parse(app.answersJson), now: ctx.now });
      return bare ? out : [];
    });
    if (bare) return;
    const session = await deps.conversations.current(ctx.person, ctx.now);
    if (session) await deps.conversations.answer(turnOf(ctx), session, { kind: "text", text });
  }

  return async (ctx) => {
    const e = ctx.event;
    if (e.kind === "button" && (e.key === HEAD_KEY.confirm || e.key === HEAD_KEY.decline) && e.cardId) return onHeadCard(ctx, e.key, e.cardId);
    if (e.kind === "button" && (e.key === HEAD_KEY.declare || e.key === HEAD_KEY.declareCancel) && e.cardId) {
      const card = await findSentCard(prisma, e.cardId);
      const app = card?.purpose.startsWith(`${DECLARE_CARD}:`) && card.personId === ctx.person.id ? await applicationAwaitingHead(prisma, ctx.person.id) : null;
      if (!app || card?.subjectId !== app.id || card.finalText) {
        await ctx.commit([{ kind: "text", text: "这个按钮已过期。" }]);
        return true;
      }
      return onDeclaration(ctx, app, e.key === HEAD_KEY.declare);
    }
    const text = ctx.text?.trim();
    if (!text || !isHeadWaitWord(text)) return false;
    const app = await applicationAwaitingHead(prisma, ctx.person.id);
    if (!app) return false;
    const word = text.normalize("NFKC").toLowerCase();
    if (EDIT.test(word)) {
      await editWhileWaiting(ctx, app, text);
      return true;
    }
    if (CONFIRM_DECLARATION.includes(word) || CANCEL_DECLARATION.includes(word)) return onDeclaration(ctx, app, CONFIRM_DECLARATION.includes(word));
    // 声明授权: once the head has been asked, the head decides: the applicant cannot answer for them.
    if ((await openHeadCards(prisma, app.id)).length > 0) {
      await refuseInChat(ctx, { action: "declare_authority.refused", reason: "head_already_asked", subject: { type: "Application", id: app.id }, text: "已请负责人在聊天中确认，请等待负责人处理。" });
      return true;
    }
    await askDeclaration(ctx, app);
    return true;
  };
}
