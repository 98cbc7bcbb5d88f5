import { describeAnswers } from "../../flows/engine.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { Decision } from "../../domain/approval/approval-machine.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { APPROVAL_KEYS, shortId, STAGE_SHORT } from "../approvals/approval-texts.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import { APPLICATION_FLOW } from "./application-handler.ts";
import type { BotContext, BotHandler } from "./bot-context.ts";
import { chunkTexts } from "./chunk-texts.ts";
import { isApprover, menuIntent } from "./menu.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

const OPINION_FLOW = "approval-opinion";
const KEY_TO_DECISION = new Map<string, Decision>([
  [APPROVAL_KEYS.approve, "APPROVE"],
  [APPROVAL_KEYS.return, "RETURN"],
  [APPROVAL_KEYS.reject, "REJECT"],
]);
/** An unanswered request for an opinion lapses: a later message is not silently an opinion. */
const OPINION_TTL_MS = 30 * 60_000;
const CANCEL_WORDS = ["取消", "cancel", "算了", "不了"];
const CONFIRM_WORDS = ["确认", "确定", "是", "confirm", "yes"];

interface OpinionContext {
  cardId: string;
  decision: Decision;
  phase: "opinion" | "fields" | "confirm-reject";
  opinion?: string;
  applicationId: string;
}

/**
 * Officers' side of the approval: card taps (同意 / 退回修改 / 不同意), the opinion text that
 * return and reject require, which fields to revise, and the list of what waits for them.
 */
export function approvalHandler(deps: { prisma: PrismaClient; approvals: ApprovalService; flows: FlowRegistry }): BotHandler {
  const { prisma, approvals } = deps;

  async function decide(ctx: BotContext, cardId: string, decision: Decision, opinion?: string, fields?: string[]) {
    // A refusal (already decided, not yours) is a DomainError: the bot answers it with its message.
    const { replies } = await approvals.decide({ person: ctx.person, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, actingAdmin: ctx.event.actingAdmin, cardId, decision, opinion, fields });
    await ctx.commit(replies);
  }

  async function pendingOpinion(ctx: BotContext) {
    const session = await prisma.conversationSession.findFirst({ where: { personId: ctx.person.id, flowId: OPINION_FLOW, status: "ACTIVE" }, orderBy: { updatedAt: "desc" } });
    if (session && ctx.now.getTime() - session.lastActivityAt.getTime() > OPINION_TTL_MS) {
      await prisma.conversationSession.update({ where: { id: session.id }, data: { status: "EXPIRED" } });
      return null;
    }
    return session;
  }

  async function fieldList(applicationId: string) {
    const app = await prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    const towns = await prisma.town.findMany({ select: { id: true, name: true } });
    return describeAnswers(deps.flows.get(APPLICATION_FLOW), JSON.parse(app.answersJson), { towns }).flatMap((s) => s.fields);
  }

  /** Returns false when the text is not an opinion at all (a menu word): the dialog is dropped. */
  async function onOpinionText(ctx: BotContext, session: { id: string; contextJson: string }, text: string): Promise<boolean> {
    const c = JSON.parse(session.contextJson) as OpinionContext;
    const word = text.normalize("NFKC").trim().toLowerCase();
    const finish = () => prisma.conversationSession.update({ where: { id: session.id }, data: { status: "DONE" } });
    const next = (ctxPatch: Partial<OpinionContext>) => prisma.conversationSession.update({ where: { id: session.id }, data: { contextJson: JSON.stringify({ ...c, ...ctxPatch }), lastActivityAt: ctx.now } });
    if (CANCEL_WORDS.includes(word)) {
      await finish();
      await ctx.commit([{ kind: "text", text: "已取消，本次未作决定。审批卡片仍然有效。" }]);
      return true;
    }
    if (menuIntent(text, null)) {
      // 菜单 / 待我审批 / 帮助… are requests, never an opinion.
      await finish();
      await ctx.commit([{ kind: "text", text: "已放弃填写审批意见，本次未作决定。" }]);
      return false;
    }
    if (c.phase === "opinion") {
      if (word.length < 2) {
        await ctx.commit([{ kind: "text", text: "请填写审核意见（至少 2 个字），如：注册资本与营业执照不一致。回复“取消”放弃。" }]);
        return true;
      }
      if (c.decision === "REJECT") {
        // Rejection is final: say it back and ask once more.
        await next({ phase: "confirm-reject", opinion: text.trim() });
        await ctx.commit([{ kind: "text", text: `不同意是最终决定，申请人将收到通知。\n理由：${text.trim()}\n确认请回复“确认”，放弃请回复“取消”。` }]);
        return true;
      }
      const fields = await fieldList(c.applicationId);
      await next({ phase: "fields", opinion: text.trim() });
      const lines = fields.map((f) => `${f.n}. ${f.label}：${f.display}`);
      await ctx.commit(chunkTexts(["需要申请人修改哪些项目？回复序号，可多选，如 3,12；回复 0 由申请人自行核对全部内容。", ...lines]));
      return true;
    }
    if (c.phase === "confirm-reject") {
      if (!CONFIRM_WORDS.includes(word)) {
        await ctx.commit([{ kind: "text", text: "请回复“确认”以记录不同意，或回复“取消”放弃。" }]);
        return true;
      }
      await finish();
      await decide(ctx, c.cardId, "REJECT", c.opinion);
      return true;
    }
    const fields = await fieldList(c.applicationId);
    const picked = text.normalize("NFKC").split(/[\s,，、;；]+/).filter(Boolean);
    if (picked.length === 0 || picked.some((p) => !/^\d+$/.test(p) || (p !== "0" && !fields.some((f) => f.n === Number(p))))) {
      await ctx.commit([{ kind: "text", text: `请回复 1–${fields.length} 之间的序号，如 3,12；或回复 0。` }]);
      return true;
    }
    const ids = picked.includes("0") ? [] : fields.filter((f) => picked.includes(String(f.n))).map((f) => f.stepId);
    await finish();
    await decide(ctx, c.cardId, "RETURN", c.opinion, ids);
    return true;
  }

  async function listPending(ctx: BotContext) {
    const steps = await prisma.approvalStep.findMany({ where: { status: "PENDING" }, include: { application: true }, orderBy: { openedAt: "asc" } });
    const mine = steps.filter((s) => ctx.person.roles.some((r) => r.role === s.role && (s.stage !== 1 || r.townId === s.townId)));
    if (mine.length === 0) return ctx.commit([{ kind: "text", text: "目前没有等待您审批的申请。" }]);
    // Fresh cards: the old ones may no longer be updatable (WeCom codes last 72 h, once).
    await ctx.commit(
      [{ kind: "text", text: `有 ${mine.length} 件申请等待您审批：\n${mine.map((s) => `· ${s.application.enterpriseName}（${shortId(s.applicationId)}，${STAGE_SHORT[s.stage as 1 | 2 | 3]}，${s.dueOn} 前）`).join("\n")}` }],
      async (tx) => {
        const me = { personId: ctx.person.id, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId };
        const out = [];
        for (const s of mine) out.push(...(await approvals.sendStageCards(tx, s.application, s, { to: [me] })));
        return out;
      },
    );
  }

  return async (ctx) => {
    const e = ctx.event;
    const decision = e.kind === "button" ? KEY_TO_DECISION.get(e.key) : undefined;
    if (e.kind === "button" && decision) {
      const card = e.cardId ? await prisma.sentCard.findUnique({ where: { id: e.cardId }, include: { approvalStep: true } }) : null;
      if (!e.cardId || !card?.approvalStep) {
        // No such approval card (forged or foreign key): nothing to decide, but an attempt all the same.
        await refuseInChat(ctx, { action: "approval.refused", reason: e.cardId ? "unknown_card" : "card_id_missing", text: "找不到这张审批卡片，请从最新的审批卡片操作，或回复“待我审批”。", detail: { decision } });
        return true;
      }
      if (decision === "APPROVE") {
        await decide(ctx, e.cardId, decision);
        return true;
      }
      if (!card?.approvalStep || card.personId !== ctx.person.id || card.approvalStep.status !== "PENDING") {
        await decide(ctx, e.cardId, decision, "（未填写）"); // the service refuses with the reason and audits it
        return true;
      }
      await prisma.conversationSession.updateMany({ where: { personId: ctx.person.id, flowId: OPINION_FLOW, status: "ACTIVE" }, data: { status: "ABANDONED" } });
      const context: OpinionContext = { cardId: e.cardId, decision, phase: "opinion", applicationId: card.approvalStep.applicationId };
      await ctx.commit([{ kind: "text", text: decision === "RETURN" ? "请输入退回修改的意见（必填），如：注册资本与营业执照不一致，请核对。回复“取消”放弃。" : "请输入不同意的理由（必填），如：不符合标准 6.1 的设立条件。回复“取消”放弃。" }], async (tx) => {
        await tx.conversationSession.create({ data: { personId: ctx.person.id, channel: e.sender.channel, externalUserId: e.sender.userId, flowId: OPINION_FLOW, flowVersion: 1, status: "ACTIVE", stateJson: "{}", contextJson: JSON.stringify(context), lastActivityAt: ctx.now } });
      });
      return true;
    }
    if (ctx.text !== null) {
      const session = await pendingOpinion(ctx);
      if (session && (await onOpinionText(ctx, session, ctx.text))) return true;
    }
    if (menuIntent(ctx.text, e.kind === "button" ? e.key : null) === "pending") {
      if (isApprover(ctx.person)) {
        await listPending(ctx);
        return true;
      }
      // Mid-form the words are the form's to judge (an answer, or a re-ask).
      if (ctx.text !== null && (await prisma.conversationSession.count({ where: { personId: ctx.person.id, flowId: APPLICATION_FLOW, status: "ACTIVE" } })) > 0) return false;
      await refuseInChat(ctx, { action: "pending.refused", reason: "not_an_approver", text: "您没有需要审批的事项：“待我审批”只对镇街和市局的审核人员开放。回复“我的申请”查看您提交的申请。" });
      return true;
    }
    return false;
  };
}
