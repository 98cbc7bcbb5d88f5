import { startFlow, step, type FlowCommand, type FlowContext, type FlowState } from "../../flows/engine.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import { answerTaken, isRepeatedAnswer, REPEAT_NOTICE, type LastInput } from "../../flows/repeat-guard.ts";
import type { OutboundMessage } from "../../domain/chat.ts";
import { ConflictError, DomainError } from "../../domain/errors.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { activeTowns } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import { applicationFields } from "../applications/application-record.ts";
import { shortId, STAGE_SHORT, STATUS_LABELS } from "../approvals/approval-texts.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { BotContext, BotHandler, Tx } from "./bot-context.ts";
import { menuIntent, menuMessage } from "./menu.ts";

export const APPLICATION_FLOW = "studio-application";


export interface ApplicationHandlerDeps {
  prisma: PrismaClient;
  flows: FlowRegistry;
  approvals: ApprovalService;
  helpContact: string;
  newId: () => string;
}

type SessionRow = NonNullable<Awaited<ReturnType<PrismaClient["conversationSession"]["findFirst"]>>>;

/**
 * The studio application conversation (6.2, Table A.1): starts, resumes and runs the flow,
 * persists the state after every answer (with its replies, in one transaction), and on submit
 * stores the application and opens the approval.
 */
export function applicationHandler(deps: ApplicationHandlerDeps): BotHandler {
  const { prisma, flows } = deps;

  async function flowContext(ctx: BotContext): Promise<FlowContext> {
    return { now: ctx.now, capabilities: ctx.capabilities, towns: await activeTowns(prisma), helpContact: deps.helpContact };
  }

  async function openSession(personId: string): Promise<SessionRow | null> {
    return prisma.conversationSession.findFirst({ where: { personId, flowId: APPLICATION_FLOW, status: { in: ["ACTIVE", "CANCELLED"] } }, orderBy: [{ status: "asc" }, { updatedAt: "desc" }] }); // ACTIVE first
  }

  /** Saves the state only if nobody else did meanwhile (optimistic lock on revision). */
  async function saveState(tx: Tx, s: SessionRow, state: FlowState, ctx: BotContext, status: string, last: LastInput) {
    const r = await tx.conversationSession.updateMany({
      where: { id: s.id, revision: s.revision },
      data: { stateJson: JSON.stringify(state), flowVersion: state.flowVersion, status, revision: { increment: 1 }, lastActivityAt: ctx.now, nudges: 0, channel: ctx.event.sender.channel, externalUserId: ctx.event.sender.userId, ...last },
    });
    // Another device or channel of the same person answered first. Retrying this message against
    // the newer state would file it under the next question: tell the person instead.
    if (r.count !== 1) throw new SessionChangedError();
  }

  async function runCommands(tx: Tx, ctx: BotContext, s: SessionRow, commands: FlowCommand[], replies: OutboundMessage[]): Promise<{ status: string; extra: OutgoingMessage[] }> {
    let status = "ACTIVE";
    const extra: OutgoingMessage[] = [];
    for (const c of commands) {
      if (c.type === "menu") replies.push(menuMessage(ctx.person, ctx.capabilities, `menu-${deps.newId()}`));
      else if (c.type === "cancelled") status = "CANCELLED";
      else if (c.type === "submit") {
        status = "DONE";
        const context = JSON.parse(s.contextJson) as { applicationId?: string };
        extra.push(...(context.applicationId ? await resubmit(tx, ctx, context.applicationId, c.answers, c.revisedFields ?? []) : await submitNew(tx, ctx, c.answers)));
      }
    }
    return { status, extra };
  }

  async function submitNew(tx: Tx, ctx: BotContext, answers: Record<string, unknown>): Promise<OutgoingMessage[]> {
    const fields = applicationFields(answers as never);
    // Link an existing enterprise only when it is the same one: same USCC, or the one this
    // person manages under the same name. Otherwise approval creates it (never renames another).
    const byUscc = fields.uscc ? await tx.enterprise.findUnique({ where: { uscc: fields.uscc } }) : null;
    const managedIds = ctx.person.roles.filter((r) => r.role === "ENTERPRISE_MANAGER" && r.enterpriseId).map((r) => r.enterpriseId!);
    const managed = managedIds.length > 0 ? await tx.enterprise.findFirst({ where: { id: { in: managedIds }, name: fields.enterpriseName, OR: [{ uscc: null }, { uscc: fields.uscc }] } }) : null;
    const enterpriseId = byUscc?.id ?? managed?.id ?? null;
    const app = await tx.application.create({ data: { ...fields, enterpriseId, applicantId: ctx.person.id, status: "DRAFT", version: 1 } });
    if (fields.headConfirmation === "HEAD_IN_CHAT") return requestHeadConfirmation(tx, ctx, app);
    return deps.approvals.submitted(tx, app, { id: ctx.person.id, channel: ctx.event.sender.channel });
  }

  async function resubmit(tx: Tx, ctx: BotContext, applicationId: string, answers: Record<string, unknown>, revised: string[]): Promise<OutgoingMessage[]> {
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
    const fields = applicationFields(answers as never);
    const updated = await tx.application.update({ where: { id: app.id }, data: { ...fields, headConfirmation: app.headConfirmation } });
    return deps.approvals.resubmitted(tx, updated, { id: ctx.person.id, channel: ctx.event.sender.channel }, revised);
  }

  /** A.1 负责人签名 in chat: the head, if known by mobile, gets a card to confirm. */
  async function requestHeadConfirmation(tx: Tx, ctx: BotContext, app: { id: string; headMobile: string; headName: string; enterpriseName: string }): Promise<OutgoingMessage[]> {
    const head = await tx.person.findFirst({ where: { mobile: app.headMobile }, include: { identities: true } });
    const toApplicant = (text: string): OutgoingMessage => ({ channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, personId: ctx.person.id, message: { kind: "text", text } });
    if (!head || head.identities.length === 0) {
      return [toApplicant(`申请已保存（申请号 ${shortId(app.id)}），需要负责人 ${app.headName} 确认后才会提交审核。\n系统中还没有负责人的账号：请负责人联系 ${deps.helpContact} 开通，或由您回复“声明授权”，声明已获负责人授权后直接提交。`)];
    }
    const out: OutgoingMessage[] = [toApplicant(`申请已保存（申请号 ${shortId(app.id)}），已请负责人 ${app.headName} 在聊天中确认，确认后自动提交审核。`)];
    for (const i of head.identities) {
      const cardId = `hc-${deps.newId()}`;
      await tx.sentCard.create({ data: { id: cardId, channel: i.channel, externalUserId: i.externalId, personId: head.id, purpose: `head-confirm:${app.id}` } });
      out.push({
        channel: i.channel as OutgoingMessage["channel"],
        userId: i.externalId,
        personId: head.id,
        message: { kind: "card", card: { id: cardId, title: "请确认工作室申请（A.1 负责人签名）", description: `${ctx.person.name} 代 ${app.enterpriseName} 提交了知识产权流动工作室申请，需要您作为负责人确认。`, buttons: [{ key: "hc:confirm", label: "确认提交", style: "primary" }, { key: "hc:decline", label: "暂不同意", style: "danger" }] } },
      });
    }
    return out;
  }

  /** Was anything sent to this person delivered between the last answer and this message? */
  async function deliveredSince(ctx: BotContext, since: Date, until: Date): Promise<boolean> {
    const { channel, userId } = ctx.event.sender;
    return (await prisma.outboxMessage.count({ where: { channel, externalUserId: userId, status: "SENT", sentAt: { gte: since, lte: until } } })) > 0;
  }

  async function runStep(ctx: BotContext, s: SessionRow, input: { kind: "text"; text: string } | { kind: "button"; key: string }) {
    if (input.kind === "text" && (await isRepeatedAnswer(s, input.text, ctx.event.receivedAt, (since, until) => deliveredSince(ctx, since, until)))) {
      await ctx.commit([{ kind: "text", text: REPEAT_NOTICE }]);
      return;
    }
    const { flow, state } = flows.forState(JSON.parse(s.stateJson) as FlowState);
    const result = step(flow, state, input, await flowContext(ctx));
    // On submit the approval service says where the application went (new or revised), so the
    // flow's generic closing line would only repeat it, or say the wrong stage for a revision.
    const submitting = result.commands.some((c) => c.type === "submit");
    const replies = uniqueCardIds(submitting ? result.replies.filter((r) => !(r.kind === "text" && r.text === flow.final.message)) : result.replies, deps.newId);
    try {
      await ctx.commit(replies, async (tx) => {
        const { status, extra } = await runCommands(tx, ctx, s, result.commands, replies);
        await saveState(tx, s, result.state, ctx, status, answerTaken(state, result.state, input, ctx.event.receivedAt));
        return extra;
      });
    } catch (err) {
      // The application moved on meanwhile (withdrawn, decided): this conversation cannot submit.
      if (!(err instanceof DomainError) || err instanceof SessionChangedError || !submitting) throw err;
      await prisma.conversationSession.updateMany({ where: { id: s.id }, data: { status: "DONE", revision: { increment: 1 } } });
      await ctx.commit([{ kind: "text", text: `${err.message}\n本次修改未提交。` }]);
    }
  }

  async function start(ctx: BotContext) {
    const flow = flows.get(APPLICATION_FLOW);
    const { state, replies } = startFlow(flow, await flowContext(ctx), {});
    await ctx.commit(uniqueCardIds(replies, deps.newId), (tx) =>
      createFlowSession(tx, { personId: ctx.person.id, channel: ctx.event.sender.channel, userId: ctx.event.sender.userId, state, context: {}, now: ctx.now }).then(() => undefined),
    );
  }

  async function status(ctx: BotContext) {
    const apps = await prisma.application.findMany({ where: { applicantId: ctx.person.id }, orderBy: { createdAt: "desc" }, take: 5 });
    if (apps.length === 0) return ctx.commit([{ kind: "text", text: "您还没有提交过工作室申请。回复“申请工作室”开始填写。" }]);
    const lines = apps.map((a) => {
      const where = a.status === "IN_REVIEW" && a.stage ? `，当前：${STAGE_SHORT[a.stage as 1 | 2 | 3]}` : "";
      const number = a.studioNumber ? `，工作室编号 ${a.studioNumber}` : "";
      return `· ${a.enterpriseName}（申请号 ${shortId(a.id)}）：${STATUS_LABELS[a.status] ?? a.status}${where}${number}`;
    });
    await ctx.commit([{ kind: "text", text: `您的申请：\n${lines.join("\n")}` }]);
  }

  return async (ctx) => {
    const key = ctx.event.kind === "button" ? ctx.event.key : null;
    const session = await openSession(ctx.person.id);
    const intent = menuIntent(ctx.text, key);
    if (session?.status === "ACTIVE" && (ctx.text !== null || key?.startsWith("flow:"))) {
      // Menu words mid-flow are answers or the engine's own commands, except an explicit status query.
      if (intent !== "status") {
        await runStep(ctx, session, ctx.text !== null ? { kind: "text", text: ctx.text } : { kind: "button", key: key! });
        return true;
      }
    }
    if (key?.startsWith("flow:")) {
      await ctx.commit([{ kind: "text", text: "这个按钮已失效。回复“申请工作室”继续您的申请，或回复“菜单”。" }]);
      return true;
    }
    if (session?.status === "CANCELLED" && (intent === "apply" || ctx.text?.trim() === "继续")) {
      await prisma.conversationSession.update({ where: { id: session.id }, data: { status: "ACTIVE" } });
      await runStep(ctx, { ...session, status: "ACTIVE" }, { kind: "text", text: "继续" });
      return true;
    }
    if (intent === "apply") {
      if (session?.status === "ACTIVE") await runStep(ctx, session, { kind: "text", text: "继续" });
      else await start(ctx);
      return true;
    }
    if (intent === "status") {
      await status(ctx);
      return true;
    }
    return false;
  };
}

/** The session was saved by someone else (another channel of the same person) since it was read. */
class SessionChangedError extends ConflictError {
  constructor() {
    super("您的申请刚刚在另一台设备或另一个渠道上更新过，这条回复没有记录。回复“继续”查看当前的问题。");
  }
}

/** A new conversation on the application flow; `context.applicationId` marks a revision. */
function createFlowSession(tx: Tx, s: { personId: string; channel: string; userId: string; state: FlowState; context: { applicationId?: string }; now: Date }) {
  return tx.conversationSession.create({
    data: { personId: s.personId, channel: s.channel, externalUserId: s.userId, flowId: s.state.flowId, flowVersion: s.state.flowVersion, status: "ACTIVE", stateJson: JSON.stringify(s.state), contextJson: JSON.stringify(s.context), lastActivityAt: s.now },
  });
}

/** WeCom task_ids are unique per app, across users: the engine's ids are only unique per session. */
export function uniqueCardIds(replies: OutboundMessage[], newId: () => string): OutboundMessage[] {
  return replies.map((m) => (m.kind === "card" ? { ...m, card: { ...m.card, id: `${m.card.id}-${newId().slice(0, 12)}`.slice(0, 128) } } : m));
}

/** Starts the revision conversation when an officer returns an application (engine's onlyFields mode). */
export function revisionStarter(deps: { flows: FlowRegistry; helpContact: string; now: () => Date; newId: () => string; capabilitiesOf: (channel: string) => { buttons: boolean; maxButtons: number } }) {
  return async (tx: Tx, app: { id: string; applicantId: string }, opinion: string, fields: string[]): Promise<OutgoingMessage[]> => {
    const row = await tx.application.findUniqueOrThrow({ where: { id: app.id } });
    const person = await tx.person.findUnique({ where: { id: app.applicantId }, include: { identities: true } });
    const last = await tx.conversationSession.findFirst({ where: { personId: app.applicantId }, orderBy: { updatedAt: "desc" } });
    const identity = last ? { channel: last.channel, externalId: last.externalUserId } : person?.identities[0];
    if (!person || !identity) return [];
    const flow = deps.flows.get(APPLICATION_FLOW);
    const towns = await activeTowns(tx);
    const valid = new Set(flow.steps.map((s) => s.id));
    const onlyFields = fields.filter((f) => valid.has(f));
    const { state, replies } = startFlow(flow, { now: deps.now(), capabilities: deps.capabilitiesOf(identity.channel), towns, helpContact: deps.helpContact }, {
      prefill: JSON.parse(row.answersJson),
      onlyFields: onlyFields.length > 0 ? onlyFields : undefined,
      // With fields the engine frames the opinion itself; without, ask to check everything.
      notice: onlyFields.length > 0 ? opinion : `您的申请已退回修改。\n审核意见：${opinion}\n请核对全部内容，修改后重新提交。`,
    });
    // A draft in progress is paused, not lost: "申请工作室" resumes it once the revision is in.
    const paused = await tx.conversationSession.updateMany({ where: { personId: app.applicantId, flowId: APPLICATION_FLOW, status: { in: ["ACTIVE", "CANCELLED"] } }, data: { status: "CANCELLED", revision: { increment: 1 } } });
    if (paused.count > 0) replies.unshift({ kind: "text", text: "您正在填写的另一份申请已暂停并保存，提交本次修改后回复“申请工作室”可继续填写。" });
    await createFlowSession(tx, { personId: app.applicantId, channel: identity.channel, userId: identity.externalId, state, context: { applicationId: app.id }, now: deps.now() });
    return uniqueCardIds(replies, deps.newId).map((message) => ({ channel: identity.channel as OutgoingMessage["channel"], userId: identity.externalId, personId: app.applicantId, message }));
  };
}
