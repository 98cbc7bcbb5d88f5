import { decisionSummary, eligibleRoleForStage, transition, type ApprovalEffect, type ApprovalEvent, type ApprovalView, type Approver, type Decision, type Stage } from "../../domain/approval/approval-machine.ts";
import type { Answers } from "../../flows/flow-schema.ts";
import { businessDate, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import type { Role } from "../../domain/roles.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import { createDirectory, type Directory, type PersonView, type Recipient } from "../../storage/directory.ts";
import { enqueue, messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import { finishCards } from "../../storage/sent-cards.ts";
import { allTowns, townLabelOf } from "../../storage/approval-history.ts";
import { foundStudio } from "./found-studio.ts";
import { outcomeCard, sendStageCards as stageCards } from "./approval-cards.ts";
import { answerChanges } from "./approval-history.ts";
import { applicantNotice } from "./approval-notices.ts";
import { shortId } from "./approval-texts.ts";

export interface ApprovalServiceDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  now: () => Date;
  newId: () => string;
  logger: Logger;
  timeZone: string;
  slaWorkingDays: number;
  studioNumberFormat: string;
  /** Link to the printable Table A.1 for one reader. */
  printUrl: (applicationId: string, personId: string) => string;
  /** Called when an application is returned: start the revision conversation for the applicant. */
  onReturned?: (tx: Tx, app: { id: string; applicantId: string }, opinion: string, fields: string[]) => Promise<OutgoingMessage[]>;
  /** Called at final approval, after the studio is founded: the applicant confirms its manager (6.4 b). */
  onApproved?: (tx: Tx, app: { id: string; applicantId: string }) => Promise<OutgoingMessage[]>;
  /** A.1 / 6.3 a: whoever else must hear an applicant's notice (the head who confirmed: head-confirmation.ts). */
  onApplicantNotice?: (tx: Tx, app: AppRow, notice: string, opinion?: string) => Promise<OutgoingMessage[]>;
}

type AppRow = NonNullable<Awaited<ReturnType<PrismaClient["application"]["findUnique"]>>>;

/** What an officer does from a card: a decision (A.1 opinion), or 转其他镇街 (6.3 a, stage 1). */
export type CardAction = Decision | "FORWARD";
const DECISION_STATUS: Record<CardAction, "APPROVED" | "RETURNED" | "REJECTED" | "FORWARDED"> = { APPROVE: "APPROVED", RETURN: "RETURNED", REJECT: "REJECTED", FORWARD: "FORWARDED" };
const DONE_LABEL: Record<CardAction, string> = { APPROVE: "已同意", RETURN: "已退回修改", REJECT: "已不同意", FORWARD: "已转其他镇街" };

export function viewOf(app: Pick<AppRow, "status" | "stage" | "version" | "townId" | "applicantId">): ApprovalView {
  return { status: app.status as ApprovalView["status"], stage: (app.stage ?? null) as Stage | null, version: app.version, townId: app.townId, applicantId: app.applicantId };
}

/** The grant a person acts under at a stage (stage 1: the town's officer). */
export function approverFor(person: PersonView, stage: Stage, townId: string): Approver {
  const role = eligibleRoleForStage(stage);
  const grants = person.roles.filter((r) => r.role === role);
  const grant = grants.find((g) => stage !== 1 || g.townId === townId) ?? grants[0] ?? person.roles[0];
  return { id: person.id, name: person.name, role: (grant?.role ?? "ENTERPRISE_MANAGER") as Role, townId: grant?.townId ?? null };
}

/**
 * The three-stage approval (6.3 a, A.1 opinions) on top of the pure state machine: stores steps,
 * sends cards, records each decision exactly once (conditional update on the pending step),
 * notifies, and audits every decision and refusal.
 */
export function createApprovalService(deps: ApprovalServiceDeps) {
  const { prisma } = deps;
  // Inside a transaction every read goes through it: a second pool connection per transaction
  // would deadlock the pool under a burst of decisions.
  const within = (tx: Tx): Directory => createDirectory(tx);

  async function audit(tx: Tx, entry: { actorId?: string | null; actorRole?: string | null; channel?: string | null; action: string; applicationId: string; detail: Record<string, unknown> }) {
    await appendAudit(tx, { actorId: entry.actorId, actorRole: entry.actorRole, channel: entry.channel, action: entry.action, subjectType: "Application", subjectId: entry.applicationId, detail: entry.detail, at: deps.now() });
  }

  /** Sends a card for a pending step to every eligible officer (approval-cards.ts; also the reminder job's). */
  const sendStageCards = (tx: Tx, app: AppRow, step: { id: string; stage: number; dueOn: string }, opts: { reminder?: boolean; to?: Recipient[] } = {}) => stageCards(deps, tx, app, step, opts);

  async function openStage(tx: Tx, app: AppRow, stage: Stage): Promise<OutgoingMessage[]> {
    const today = businessDate(deps.now(), deps.timeZone);
    const step = await tx.approvalStep.create({
      data: { applicationId: app.id, stage, round: app.version, role: eligibleRoleForStage(stage), townId: stage === 1 ? app.townId : null, status: "PENDING", dueOn: deps.calendar.addWorkingDays(today, deps.slaWorkingDays), openedAt: deps.now() },
    });
    return sendStageCards(tx, app, step);
  }

  /**
   * Moves an application on only from the state it was read in (status, stage, version): a
   * withdrawal and a decision racing each other cannot both land.
   */
  async function moveApp(tx: Tx, app: AppRow, data: Parameters<Tx["application"]["updateMany"]>[0]["data"]) {
    const r = await tx.application.updateMany({ where: { id: app.id, status: app.status, stage: app.stage, version: app.version }, data });
    if (r.count !== 1) throw new ConflictError("申请状态刚刚发生了变化，请回复“我的申请”查看最新进度。");
  }

  /** Runs the machine's effects; returns messages to enqueue in the same transaction. */
  async function runEffects(tx: Tx, app: AppRow, effects: ApprovalEffect[], deciderId?: string): Promise<OutgoingMessage[]> {
    const out: OutgoingMessage[] = [];
    const applicant = await within(tx).recipientsOf(app.applicantId);
    for (const e of effects) {
      if (e.type === "openStage") out.push(...(await openStage(tx, app, e.stage)));
      else if (e.type === "closeStage" && e.outcome === "CANCELLED") {
        await tx.approvalStep.updateMany({ where: { applicationId: app.id, round: e.round, stage: e.stage, status: "PENDING" }, data: { status: "CANCELLED", decidedAt: deps.now() } });
      } else if (e.type === "assignStudioNumber") {
        app.studioNumber = await foundStudio(tx, app, { now: deps.now(), timeZone: deps.timeZone, studioNumberFormat: deps.studioNumberFormat });
        // Everyone involved hears of the final approval, once: the decider has the reply already.
        const involved = await tx.approvalStep.findMany({ where: { applicationId: app.id, decidedById: { not: null } }, select: { decidedById: true } });
        const ids = [...new Set(involved.map((s) => s.decidedById!))].filter((id) => id !== deciderId && id !== app.applicantId);
        for (const id of ids) out.push(...messagesTo(await within(tx).recipientsOf(id), { kind: "text", text: `【已批准】${app.enterpriseName} 的工作室申请已获批准，工作室编号 ${app.studioNumber}。` }));
      } else if (e.type === "notifyApplicant") {
        // A return's opinion comes once, framed by the revision conversation that asks for the changes.
        const revision = e.notice === "returned" && deps.onReturned ? await deps.onReturned(tx, app, e.opinion ?? "", e.returnFields ?? []) : [];
        if (e.notice === "approved") {
          for (const r of applicant) out.push({ ...r, message: { kind: "card", card: outcomeCard(`oc-${deps.newId()}`, app, deps.printUrl(app.id, app.applicantId)) } });
        } else if (revision.length === 0) {
          const town = e.townId ? await townLabelOf(tx, e.townId) : undefined;
          out.push(...messagesTo(applicant, { kind: "text", text: applicantNotice(app, e, town) }));
        }
        out.push(...revision);
        if (e.notice === "approved" && deps.onApproved) out.push(...(await deps.onApproved(tx, app)));
        if (deps.onApplicantNotice) out.push(...(await deps.onApplicantNotice(tx, app, e.notice, e.opinion)));
      }
    }
    return out;
  }

  /** Submits a new application (after the flow's summary): stage 1 opens at once. */
  async function submitted(tx: Tx, app: AppRow, actor: { id: string; channel: string }): Promise<OutgoingMessage[]> {
    const r = transition(viewOf(app), { type: "SUBMIT", actorId: actor.id });
    await moveApp(tx, app, { status: r.view.status, stage: r.view.stage, submittedAt: deps.now() });
    Object.assign(app, { status: r.view.status, stage: r.view.stage });
    await audit(tx, { actorId: actor.id, channel: actor.channel, action: "application.submitted", applicationId: app.id, detail: { version: app.version } });
    return runEffects(tx, app, r.effects);
  }

  /** The applicant resubmits after a return: back to the stage that returned it, version + 1. */
  async function resubmitted(tx: Tx, app: AppRow, actor: { id: string; channel: string }, revised: string[], before?: { answersJson: string }): Promise<OutgoingMessage[]> {
    const r = transition(viewOf(app), { type: "RESUBMIT", actorId: actor.id });
    // What changed, kept with the resubmission: the next cards show "已修改：X（旧）→ 新".
    const towns = before ? await allTowns(tx) : [];
    const changes = before ? answerChanges(JSON.parse(before.answersJson) as Answers, JSON.parse(app.answersJson) as Answers, towns) : [];
    await moveApp(tx, app, { status: r.view.status, stage: r.view.stage, version: r.view.version, submittedAt: deps.now(), returnedFields: null });
    Object.assign(app, { status: r.view.status, stage: r.view.stage, version: r.view.version });
    await audit(tx, { actorId: actor.id, channel: actor.channel, action: "application.resubmitted", applicationId: app.id, detail: { version: r.view.version, revised, changes } });
    return runEffects(tx, app, r.effects);
  }

  /**
   * An officer's decision from a card. Exactly once: the pending step is claimed with a
   * conditional update; whoever loses the race is told who decided instead.
   */
  async function decide(input: {
    person: PersonView;
    channel: string;
    /** The tapper's id on `channel`; the bot always passes it (the card must have been sent there). */
    userId?: string;
    /** The admin session acting through the simulator, recorded with the decision or refusal. */
    actingAdmin?: string;
    cardId: string;
    decision: CardAction;
    /** The A.1 opinion; for FORWARD, the reason. */
    opinion?: string;
    fields?: string[];
    /** FORWARD: the town it goes to. */
    toTownId?: string;
    /**
     * The bot's fenced commit (ctx.commit): the decision or the refusal, the tapper's answer and
     * the inbound event's completion go in one transaction, so a crash cannot leave the decision
     * without its answer and a replay send "already decided" instead. The answer is then sent, not
     * returned, and a refusal is answered rather than thrown. Without it: returned and thrown.
     */
    commit?: (replies: OutboundMessage[], write: (tx: Tx) => Promise<OutgoingMessage[] | void>) => Promise<void>;
  }): Promise<{ replies: OutboundMessage[] }> {
    const card = await prisma.sentCard.findUnique({ where: { id: input.cardId }, include: { approvalStep: true } });
    const step = card?.approvalStep;
    if (!card || !step) throw new NotFoundError("找不到这张审批卡片");
    const acting = input.actingAdmin ? { actingAdmin: input.actingAdmin } : {};
    const refuse = async (reason: string, err: Error): Promise<{ replies: OutboundMessage[] }> => {
      const write = async (tx: Tx) => {
        await audit(tx, { actorId: input.person.id, channel: input.channel, action: "approval.refused", applicationId: step.applicationId, detail: { reason, decision: input.decision, stage: step.stage, round: step.round, cardId: input.cardId, ...acting } });
      };
      if (!input.commit) {
        await prisma.$transaction(write);
        throw err;
      }
      await input.commit([{ kind: "text", text: err.message }], write);
      return { replies: [] };
    };
    const tapper = { channel: input.channel as OutgoingMessage["channel"], userId: input.userId ?? card.externalUserId, personId: input.person.id };
    const fenced = async <T extends { replies: OutboundMessage[] }>(fn: (tx: Tx) => Promise<T>): Promise<{ replies: OutboundMessage[] }> => {
      if (!input.commit) return prisma.$transaction(fn);
      await input.commit([], async (tx) => (await fn(tx)).replies.map((message) => ({ ...tapper, message })));
      return { replies: [] };
    };
    // A button key is bound server-side to the card's recipient (person, channel and identity there), application, stage and round.
    if (card.personId !== input.person.id) return refuse("card_not_addressed_to_actor", new ForbiddenError("这张审批卡片不是发给您的，不能操作"));
    if (card.channel !== input.channel || (input.userId !== undefined && card.externalUserId !== input.userId)) {
      return refuse("card_sent_to_another_channel_identity", new ForbiddenError("这张审批卡片不是发给您当前使用的账号的，请在收到卡片的应用里操作"));
    }
    try {
      return await fenced(async (tx) => {
        const app = await tx.application.findUniqueOrThrow({ where: { id: step.applicationId } });
        const stage = step.stage as Stage;
        const actor = approverFor(input.person, stage, app.townId);
        const base = { stage, actor, version: step.round } as const;
        const opinion = input.opinion ?? "";
        const event: ApprovalEvent =
          input.decision === "APPROVE" ? { type: "APPROVE", ...base, opinion: input.opinion } : input.decision === "RETURN" ? { type: "RETURN", ...base, opinion, fields: input.fields } : input.decision === "REJECT" ? { type: "REJECT", ...base, opinion } : { type: "FORWARD", ...base, toTownId: input.toTownId ?? "", reason: opinion };
        if (step.status !== "PENDING") throw new ConflictError(await alreadyDecided(tx, step.id));
        const r = transition(viewOf(app), event);
        const recorded = r.decision ? { opinion: r.decision.opinion, returnFields: r.decision.returnFields } : { opinion: r.forward!.reason, returnFields: [] as string[] };
        const claimed = await tx.approvalStep.updateMany({
          where: { id: step.id, status: "PENDING" },
          data: { status: DECISION_STATUS[input.decision], decidedById: input.person.id, decidedByName: input.person.name, decidedVia: input.channel, opinion: recorded.opinion, returnFields: JSON.stringify(recorded.returnFields), decidedAt: deps.now() },
        });
        if (claimed.count !== 1) throw new ConflictError(await alreadyDecided(tx, step.id));
        await moveApp(tx, app, { status: r.view.status, stage: r.view.stage, version: r.view.version, townId: r.view.townId, decidedAt: ["APPROVED", "REJECTED"].includes(r.view.status) ? deps.now() : null, returnedFields: input.decision === "RETURN" ? JSON.stringify(recorded.returnFields) : app.returnedFields });
        Object.assign(app, { status: r.view.status, stage: r.view.stage, version: r.view.version, townId: r.view.townId });
        const forwarded = r.forward ? { fromTownId: r.forward.fromTownId, toTownId: r.forward.toTownId } : {};
        await audit(tx, { actorId: input.person.id, actorRole: actor.role, channel: input.channel, action: `approval.${input.decision.toLowerCase()}`, applicationId: app.id, detail: { stage, round: step.round, opinion: recorded.opinion, returnFields: recorded.returnFields, ...forwarded, cardId: input.cardId, ...acting } });
        const out = await runEffects(tx, app, r.effects, input.person.id);
        out.push(...(await finalizeCards(tx, step.id, input.cardId, input.decision, input.person.name)));
        await enqueue(tx, out, deps.now());
        if (r.forward) {
          const to = await townLabelOf(tx, r.forward.toTownId);
          return { replies: [{ kind: "text", text: `已转至${to}（${app.enterpriseName}，申请号 ${shortId(app.id)}），理由：${r.forward.reason}。${to}的审核人员将收到新的审批卡片，申请人已获通知。` }] as OutboundMessage[] };
        }
        const tail = r.view.status === "APPROVED" ? `\n工作室编号：${app.studioNumber}` : "";
        const said = input.decision === "APPROVE" ? `，意见：${recorded.opinion}` : "";
        return { replies: [{ kind: "text", text: `已记录：${DONE_LABEL[input.decision]}（${app.enterpriseName}，第${stage}阶段${said}）。${tail}` }] as OutboundMessage[] };
      });
    } catch (err) {
      if (err instanceof ConflictError) {
        // Tell the late tapper who decided and when, rather than a generic conflict.
        const latest = await prisma.approvalStep.findUniqueOrThrow({ where: { id: step.id } });
        const message = latest.status !== "PENDING" ? await alreadyDecided(prisma, step.id) : err.message;
        return refuse(message, new ConflictError(message));
      }
      if (err instanceof ForbiddenError) return refuse(err.message, err);
      throw err;
    }
  }

  async function alreadyDecided(tx: Pick<Tx, "approvalStep">, stepId: string): Promise<string> {
    const s = await tx.approvalStep.findUniqueOrThrow({ where: { id: stepId } });
    if (s.status === "CANCELLED") return "该申请已撤回或已重新提交，这张卡片已失效。";
    if (s.status === "FORWARDED") return `该申请已由 ${s.decidedByName ?? "镇街审核人员"} 转其他镇街办理，这张卡片已失效。`;
    if (!s.decidedAt || !s.decidedByName) return "该申请已由其他人处理。";
    const decision = s.status === "APPROVED" ? "APPROVE" : s.status === "RETURNED" ? "RETURN" : "REJECT";
    return `该阶段${decisionSummary({ name: s.decidedByName, at: s.decidedAt, decision }, deps.timeZone)}，无需再处理。`;
  }

  /** Every card of the step shows the outcome: the decider's "已同意", the others "已由 X 于 … 同意". */
  async function finalizeCards(tx: Tx, stepId: string, deciderCardId: string, decision: CardAction, name: string): Promise<OutgoingMessage[]> {
    const summary = decision === "FORWARD" ? `已由 ${name} 转其他镇街` : decisionSummary({ name, at: deps.now(), decision }, deps.timeZone);
    const text = (c: { id: string }) => (c.id === deciderCardId ? DONE_LABEL[decision] : summary);
    return finishCards(tx, { approvalStepId: stepId }, deps.now(), text, (c, t) => (c.id !== deciderCardId ? { kind: "text", text: `【审批已处理】${t}` } : null));
  }

  /** The applicant withdraws (撤回) before the final decision; open cards show it. */
  async function withdraw(tx: Tx, applicationId: string, actor: { id: string; channel: string }): Promise<OutgoingMessage[]> {
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
    const r = transition(viewOf(app), { type: "WITHDRAW", actorId: actor.id });
    // The pending step first, then the application: the same lock order as a decision (claim the
    // step, then move the application), so a withdrawal racing a decision waits instead of
    // deadlocking on PostgreSQL; the loser then sees the state changed and is told.
    await tx.approvalStep.updateMany({ where: { applicationId: app.id, status: "PENDING" }, data: { status: "CANCELLED", decidedAt: deps.now() } });
    await moveApp(tx, app, { status: r.view.status, stage: r.view.stage, decidedAt: deps.now() });
    // A revision conversation for it has nothing left to submit.
    await tx.conversationSession.updateMany({ where: { personId: app.applicantId, status: { in: ["ACTIVE", "CANCELLED"] }, contextJson: { contains: app.id } }, data: { status: "DONE", revision: { increment: 1 } } });
    await audit(tx, { actorId: actor.id, channel: actor.channel, action: "application.withdrawn", applicationId: app.id, detail: { stage: app.stage, version: app.version } });
    const out = await runEffects(tx, app, r.effects);
    // Every open card loses its buttons where the channel can still update it, and its officer is told.
    const notice: OutboundMessage = { kind: "text", text: `【已撤回】${app.enterpriseName}（申请号 ${shortId(app.id)}）的工作室申请已由申请人撤回，无需再审批。` };
    for (const m of await finishCards(tx, { applicationId: app.id }, deps.now(), () => "申请人已撤回", () => notice)) {
      out.push(m);
      if (m.message.kind === "card_update") out.push({ ...m, message: notice });
    }
    return out;
  }

  /** 催办: at most once per working day; the pending stage's officers get a fresh card. */
  async function urge(tx: Tx, app: AppRow): Promise<{ ok: boolean; out: OutgoingMessage[] }> {
    const today = businessDate(deps.now(), deps.timeZone);
    if (app.status !== "IN_REVIEW" || !app.stage) return { ok: false, out: [] };
    const claimed = await tx.application.updateMany({ where: { id: app.id, OR: [{ lastUrgedOn: null }, { lastUrgedOn: { not: today } }] }, data: { lastUrgedOn: today } });
    if (claimed.count !== 1) return { ok: false, out: [] };
    const step = await tx.approvalStep.findFirstOrThrow({ where: { applicationId: app.id, status: "PENDING" } });
    await audit(tx, { actorId: app.applicantId, action: "application.urged", applicationId: app.id, detail: { stage: step.stage } });
    return { ok: true, out: await sendStageCards(tx, app, step, { reminder: true }) };
  }

  return { submitted, resubmitted, decide, withdraw, urge, sendStageCards, audit };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
