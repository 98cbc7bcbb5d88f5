import { APPROVAL_OPINION_FLOW } from "../../../bot-flows/approval-opinion.ts";
import type { Decision } from "../../domain/approval/approval-machine.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import { describeAnswers } from "../../flows/engine.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { activeTowns } from "../../storage/approval-history.ts";
import { APPROVAL_KEYS, shortId, STAGE_SHORT } from "../approvals/approval-texts.ts";
import type { ApprovalService, CardAction } from "../approvals/approval-service.ts";
import { APPLICATION_FLOW } from "./application-handler.ts";
import type { BotContext } from "./bot-context.ts";
import { turnOf, type Conversations, type Db } from "./conversations.ts";
import { isApprover } from "./menu.ts";
import { refuseInChat } from "./refuse-in-chat.ts";

/** A tap on an approval card: a decision, 同意 with a typed opinion, or 转其他镇街 (6.3 a). */
export type CardTap = Decision | "APPROVE_WITH_OPINION" | "FORWARD";

export const KEY_TO_DECISION = new Map<string, CardTap>([
  [APPROVAL_KEYS.approve, "APPROVE"],
  [APPROVAL_KEYS.approveWithOpinion, "APPROVE_WITH_OPINION"],
  [APPROVAL_KEYS.return, "RETURN"],
  [APPROVAL_KEYS.reject, "REJECT"],
  [APPROVAL_KEYS.forward, "FORWARD"],
]);

/**
 * Officers' side of the approval: card taps (同意 / 同意并填写意见 / 退回修改 / 不同意 / 转其他镇街)
 * and the list of what waits for them. 同意 records at once with "同意推荐"; the others need an
 * opinion, a reason or a town (A.1, 6.3 a): the approval-opinion flow asks for them on the
 * conversation runner, and its completion (opinionCompletion) records the decision.
 */
export function approvalActions(deps: { prisma: PrismaClient; approvals: ApprovalService; flows: FlowRegistry; conversations: Conversations }) {
  const { prisma, approvals } = deps;

  async function decide(ctx: BotContext, cardId: string, decision: CardAction, opinion?: string) {
    // The decision (or refusal), its answer and the event's completion in one fenced commit.
    await approvals.decide({ person: ctx.person, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, actingAdmin: ctx.event.actingAdmin, cardId, decision, opinion, commit: (r, w) => ctx.commit(r, w) });
  }

  /** The application's fields, numbered as its summary shows them: the choices of a return. */
  async function fieldChoices(applicationId: string) {
    const app = await prisma.application.findUniqueOrThrow({ where: { id: applicationId } });
    const towns = await prisma.town.findMany({ select: { id: true, name: true } });
    return describeAnswers(deps.flows.get(APPLICATION_FLOW), JSON.parse(app.answersJson), { towns })
      .flatMap((s) => s.fields)
      .map((f) => ({ value: f.stepId, label: `${f.label}：${f.display}` }));
  }

  /** 转其他镇街: every active town but the application's own. */
  async function otherTowns(townId: string | null) {
    return (await activeTowns(prisma)).filter((t) => t.id !== townId).map((t) => ({ value: t.id, label: t.label }));
  }

  /** A tap on an approval card's button. */
  async function onCardTap(ctx: BotContext, tap: CardTap): Promise<void> {
    const decision: CardAction = tap === "APPROVE_WITH_OPINION" ? "APPROVE" : tap;
    const e = ctx.event;
    if (e.kind !== "button") return;
    const card = e.cardId ? await prisma.sentCard.findUnique({ where: { id: e.cardId }, include: { approvalStep: true } }) : null;
    if (!e.cardId || !card?.approvalStep) {
      // No such approval card (forged or foreign key): nothing to decide, but an attempt all the same.
      return refuseInChat(ctx, { action: "approval.refused", reason: e.cardId ? "unknown_card" : "card_id_missing", text: "找不到这张审批卡片，请从最新的审批卡片操作，或回复“待我审批”。", detail: { decision } });
    }
    if (tap === "APPROVE") return decide(ctx, e.cardId, decision);
    if (card.personId !== ctx.person.id || card.approvalStep.status !== "PENDING" || (tap === "FORWARD" && card.approvalStep.stage !== 1)) {
      return decide(ctx, e.cardId, decision, "（未填写）"); // the service refuses with the reason and audits it
    }
    const applicationId = card.approvalStep.applicationId;
    const choices: Record<string, { value: string; label: string }[]> =
      decision === "RETURN" ? { fields: await fieldChoices(applicationId) } : decision === "FORWARD" ? { towns: await otherTowns(card.approvalStep.townId) } : {};
    await ctx.commit([], (tx) =>
      deps.conversations.startConversation(tx, {
        personId: ctx.person.id,
        channel: e.sender.channel,
        userId: e.sender.userId,
        flowId: APPROVAL_OPINION_FLOW,
        context: { cardId: e.cardId, applicationId, ...(e.actingAdmin ? { actingAdmin: e.actingAdmin } : {}), choices },
        prefill: { decision },
        now: ctx.now,
      }),
    );
  }

  /** 待我审批: what waits for this officer, with fresh cards. Others are refused (audited). */
  async function onPending(ctx: BotContext): Promise<void> {
    if (!isApprover(ctx.person)) {
      return refuseInChat(ctx, { action: "pending.refused", reason: "not_an_approver", text: "您没有需要审批的事项：“待我审批”只对镇街和市局的审核人员开放。回复“我的申请”查看您提交的申请。" });
    }
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

  return { onCardTap, onPending, turnOf };
}

/**
 * The opinion flow's completion: the decision with its opinion (and, for a return, the fields to
 * revise; none named = the applicant checks everything). approvals.decide claims the step in its
 * own transaction, so this runs after the session is closed (afterCommit).
 */
export function opinionCompletion(approvals: ApprovalService): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const decision = c.answers.decision as CardAction;
    const said = { RETURN: c.answers.opinion, REJECT: c.answers.reason, APPROVE: c.answers.approveOpinion, FORWARD: c.answers.forwardReason }[decision];
    // A skipped 同意 opinion is null: the machine writes the default (同意推荐) on the form.
    const opinion = typeof said === "string" ? said : decision === "APPROVE" ? undefined : "";
    const fields = decision === "RETURN" && Array.isArray(c.answers.fields) ? c.answers.fields : undefined;
    const toTownId = decision === "FORWARD" && typeof c.answers.toTown === "string" ? c.answers.toTown : undefined;
    const actingAdmin = typeof c.context.actingAdmin === "string" ? c.context.actingAdmin : undefined;
    const { replies } = await approvals.decide({ person: c.person, channel: c.sender.channel, userId: c.sender.userId, actingAdmin, cardId: String(c.context.cardId), decision, opinion, fields, toTownId });
    return replies.map((message) => ({ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message }));
  };
}
