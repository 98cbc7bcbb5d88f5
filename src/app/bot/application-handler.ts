import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import { applicationFields } from "../applications/application-record.ts";
import { shortId, STAGE_SHORT, STATUS_LABELS } from "../approvals/approval-texts.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { BotContext, Tx } from "./bot-context.ts";
import type { Conversations, Db } from "./conversations.ts";

export const APPLICATION_FLOW = "studio-application";

/**
 * 6.2 / Table A.1: what the application conversation does when it completes — a new application
 * is stored and goes to approval (or first to its head, A.1 负责人签名); a revision after a return
 * (context.applicationId) is resubmitted with the fields that were to be revised.
 */
export function applicationCompletion(deps: { approvals: ApprovalService; helpContact: string; newId: () => string }): CompletionHandler<Db, PersonView> {
  async function submitNew(tx: Tx, person: PersonView, sender: { channel: string; userId: string }, answers: Record<string, unknown>): Promise<OutgoingMessage[]> {
    const fields = applicationFields(answers as never);
    // Link an existing enterprise only when it is the same one: same USCC, or the one this
    // person manages under the same name. Otherwise approval creates it (never renames another).
    const byUscc = fields.uscc ? await tx.enterprise.findUnique({ where: { uscc: fields.uscc } }) : null;
    const managedIds = person.roles.filter((r) => r.role === "ENTERPRISE_MANAGER" && r.enterpriseId).map((r) => r.enterpriseId!);
    const managed = managedIds.length > 0 ? await tx.enterprise.findFirst({ where: { id: { in: managedIds }, name: fields.enterpriseName, OR: [{ uscc: null }, { uscc: fields.uscc }] } }) : null;
    const enterpriseId = byUscc?.id ?? managed?.id ?? null;
    const app = await tx.application.create({ data: { ...fields, enterpriseId, applicantId: person.id, status: "DRAFT", version: 1 } });
    if (fields.headConfirmation === "HEAD_IN_CHAT") return requestHeadConfirmation(tx, person, sender, app);
    return deps.approvals.submitted(tx, app, { id: person.id, channel: sender.channel });
  }

  async function resubmit(tx: Tx, person: PersonView, channel: string, applicationId: string, answers: Record<string, unknown>, revised: string[]): Promise<OutgoingMessage[]> {
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
    const fields = applicationFields(answers as never);
    const updated = await tx.application.update({ where: { id: app.id }, data: { ...fields, headConfirmation: app.headConfirmation } });
    return deps.approvals.resubmitted(tx, updated, { id: person.id, channel }, revised);
  }

  /** A.1 负责人签名 in chat: the head, if known by mobile, gets a card to confirm. */
  async function requestHeadConfirmation(tx: Tx, person: PersonView, sender: { channel: string; userId: string }, app: { id: string; headMobile: string; headName: string; enterpriseName: string }): Promise<OutgoingMessage[]> {
    const head = await tx.person.findFirst({ where: { mobile: app.headMobile }, include: { identities: true } });
    const toApplicant = (text: string): OutgoingMessage => ({ channel: sender.channel as OutgoingMessage["channel"], userId: sender.userId, personId: person.id, message: { kind: "text", text } });
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
        message: { kind: "card", card: { id: cardId, title: "请确认工作室申请（A.1 负责人签名）", description: `${person.name} 代 ${app.enterpriseName} 提交了知识产权流动工作室申请，需要您作为负责人确认。`, buttons: [{ key: "hc:confirm", label: "确认提交", style: "primary" }, { key: "hc:decline", label: "暂不同意", style: "danger" }] } },
      });
    }
    return out;
  }

  return async (c) => {
    const tx = c.tx as Tx;
    const applicationId = typeof c.context.applicationId === "string" ? c.context.applicationId : null;
    if (applicationId) return resubmit(tx, c.person, c.sender.channel, applicationId, c.answers, c.revisedFields ?? []);
    return submitNew(tx, c.person, c.sender, c.answers);
  };
}

/** 我的申请: the person's latest applications with status and stage. */
export async function applicationStatus(prisma: PrismaClient, ctx: BotContext): Promise<void> {
  const apps = await prisma.application.findMany({ where: { applicantId: ctx.person.id }, orderBy: { createdAt: "desc" }, take: 5 });
  if (apps.length === 0) return ctx.commit([{ kind: "text", text: "您还没有提交过工作室申请。回复“申请工作室”开始填写。" }]);
  const lines = apps.map((a) => {
    const where = a.status === "IN_REVIEW" && a.stage ? `，当前：${STAGE_SHORT[a.stage as 1 | 2 | 3]}` : "";
    const number = a.studioNumber ? `，工作室编号 ${a.studioNumber}` : "";
    return `· ${a.enterpriseName}（申请号 ${shortId(a.id)}）：${STATUS_LABELS[a.status] ?? a.status}${where}${number}`;
  });
  await ctx.commit([{ kind: "text", text: `您的申请：\n${lines.join("\n")}` }]);
}

/**
 * 6.3 a: when an officer returns an application, the applicant's revision conversation starts on
 * the runner (engine's onlyFields mode); a draft in progress is paused and resumes afterwards.
 */
export function revisionStarter(deps: { conversations: () => Conversations; flows: FlowRegistry; now: () => Date }) {
  return async (tx: Tx, app: { id: string; applicantId: string }, opinion: string, fields: string[]): Promise<OutgoingMessage[]> => {
    const row = await tx.application.findUniqueOrThrow({ where: { id: app.id } });
    const person = await tx.person.findUnique({ where: { id: app.applicantId }, include: { identities: true } });
    const last = await tx.conversationSession.findFirst({ where: { personId: app.applicantId }, orderBy: { updatedAt: "desc" } });
    const identity = last ? { channel: last.channel, externalId: last.externalUserId } : person?.identities[0];
    if (!person || !identity) return [];
    const valid = new Set(deps.flows.get(APPLICATION_FLOW).steps.map((s) => s.id));
    const onlyFields = fields.filter((f) => valid.has(f));
    return deps.conversations().startConversation(tx, {
      personId: app.applicantId,
      channel: identity.channel as OutgoingMessage["channel"],
      userId: identity.externalId,
      flowId: APPLICATION_FLOW,
      context: { applicationId: app.id },
      prefill: JSON.parse(row.answersJson),
      onlyFields: onlyFields.length > 0 ? onlyFields : undefined,
      // With fields the engine frames the opinion itself; without, ask to check everything.
      notice: onlyFields.length > 0 ? opinion : `您的申请已退回修改。\n审核意见：${opinion}\n请核对全部内容，修改后重新提交。`,
      now: deps.now(),
    });
  };
}
