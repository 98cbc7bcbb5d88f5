import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import { applicationFields } from "../applications/application-record.ts";
import { applicationTimeline } from "../applications/application-timeline.ts";
import type { ApprovalService } from "../approvals/approval-service.ts";
import type { HeadConfirmation } from "../approvals/head-confirmation.ts";
import type { Answers } from "../../flows/flow-schema.ts";
import { changedFields, describeAnswers } from "../../flows/summary.ts";
import { maskMobiles } from "../../domain/mask.ts";
import { studioApplicationFlow } from "../../../bot-flows/studio-application.ts";
import { activeTowns } from "../../storage/directory.ts";
import type { BotContext, Tx } from "./bot-context.ts";
import type { Conversations, Db } from "./conversations.ts";

export const APPLICATION_FLOW = "studio-application";

/** "负责人手机：138****8000 → 139****1111" for each field the form changed (mobiles masked: cards and audit). */
async function changeLines(tx: Tx, before: Answers, after: Answers): Promise<string[]> {
  const towns = await activeTowns(tx);
  const changed = changedFields(studioApplicationFlow, before, after, towns);
  const fields = describeAnswers(studioApplicationFlow, after, { towns }).flatMap((s) => s.fields);
  return fields.filter((f) => changed.has(f.stepId)).map((f) => maskMobiles(`${f.label}：${changed.get(f.stepId)} → ${f.display}`));
}

/**
 * 6.2 / Table A.1: what the application conversation does when it completes — a new application
 * is stored and goes to approval (or first to its head, A.1 负责人签名); a revision after a return
 * (context.applicationId) is resubmitted with the fields that were to be revised — unless the head
 * confirmed it and fields changed: then the head confirms again first; a draft changed while it
 * waits for its head is saved and the head asked again.
 */
export function applicationCompletion(deps: { approvals: ApprovalService; heads: HeadConfirmation; hasButtons: (channel: string) => boolean }): CompletionHandler<Db, PersonView> {
  async function submitNew(tx: Tx, person: PersonView, sender: { channel: string; userId: string }, answers: Record<string, unknown>): Promise<OutgoingMessage[]> {
    const fields = applicationFields(answers as never);
    // Link an existing enterprise only when it is the same one: same USCC, or the one this
    // person manages under the same name. Otherwise approval creates it (never renames another).
    const byUscc = fields.uscc ? await tx.enterprise.findUnique({ where: { uscc: fields.uscc } }) : null;
    const managedIds = person.roles.filter((r) => r.role === "ENTERPRISE_MANAGER" && r.enterpriseId).map((r) => r.enterpriseId!);
    const managed = managedIds.length > 0 ? await tx.enterprise.findFirst({ where: { id: { in: managedIds }, name: fields.enterpriseName, OR: [{ uscc: null }, { uscc: fields.uscc }] } }) : null;
    const enterpriseId = byUscc?.id ?? managed?.id ?? null;
    const app = await tx.application.create({ data: { ...fields, enterpriseId, applicantId: person.id, status: "DRAFT", version: 1 } });
    if (fields.headConfirmation === "HEAD_IN_CHAT") return deps.heads.ask(tx, app, person, sender);
    // A.1 声明代为提交: nothing is recorded before the declaration is read and confirmed.
    if (fields.headConfirmation === "DECLARED_AUTHORITY") return [await deps.heads.askDeclaration(tx, app, person, sender, deps.hasButtons(sender.channel))];
    return deps.approvals.submitted(tx, app, { id: person.id, channel: sender.channel });
  }

  async function resubmit(tx: Tx, person: PersonView, sender: { channel: string; userId: string }, applicationId: string, answers: Record<string, unknown>, revised: string[]): Promise<OutgoingMessage[]> {
    const app = await tx.application.findUniqueOrThrow({ where: { id: applicationId } });
    const fields = applicationFields(answers as never);
    const changes = await changeLines(tx, JSON.parse(app.answersJson) as Answers, answers as Answers);
    if (app.status === "DRAFT") {
      // A.1: changed while waiting for its head — the head confirms what is now on the form.
      const updated = await tx.application.update({ where: { id: app.id }, data: { ...fields, headConfirmedAt: null, headConfirmedById: null } });
      await deps.approvals.audit(tx, { actorId: person.id, channel: sender.channel, action: "application.draft_changed", applicationId: app.id, detail: { changes } });
      if (fields.headConfirmation === "HEAD_IN_CHAT") return deps.heads.ask(tx, updated, person, sender, { again: { changes } });
      if (fields.headConfirmation === "DECLARED_AUTHORITY") {
        const voided = await deps.heads.voidCards(tx, app.id, "已失效：申请人已改为声明授权");
        return [...voided, await deps.heads.askDeclaration(tx, updated, person, sender, deps.hasButtons(sender.channel))];
      }
      const voided = await deps.heads.voidCards(tx, app.id, "已失效：申请人已改为自行提交");
      return [...voided, ...(await deps.approvals.submitted(tx, updated, { id: person.id, channel: sender.channel }))];
    }
    // A.1: the head signed the form; a revision that changes it goes back to the head first.
    const headSigned = app.headConfirmation === "HEAD_IN_CHAT" && app.headConfirmedById !== null && app.headConfirmedById !== person.id;
    const awaitingHead = app.headConfirmation === "HEAD_IN_CHAT" && app.headConfirmedAt === null;
    if ((headSigned && changes.length > 0) || awaitingHead) {
      const updated = await tx.application.update({ where: { id: app.id }, data: { ...fields, headConfirmation: app.headConfirmation, headConfirmedAt: null } });
      await deps.approvals.audit(tx, { actorId: person.id, channel: sender.channel, action: "application.head_reconfirm_requested", applicationId: app.id, detail: { changes, revised } });
      return deps.heads.ask(tx, updated, person, sender, { again: { changes } });
    }
    const updated = await tx.application.update({ where: { id: app.id }, data: { ...fields, headConfirmation: app.headConfirmation } });
    return deps.approvals.resubmitted(tx, updated, { id: person.id, channel: sender.channel }, revised, { answersJson: app.answersJson });
  }

  return async (c) => {
    const tx = c.tx as Tx;
    const applicationId = typeof c.context.applicationId === "string" ? c.context.applicationId : null;
    if (applicationId) return resubmit(tx, c.person, c.sender, applicationId, c.answers, c.revisedFields ?? []);
    return submitNew(tx, c.person, c.sender, c.answers);
  };
}

/** 我的申请: the person's applications as a timeline (applications/application-timeline.ts). */
export async function applicationStatus(prisma: PrismaClient, ctx: BotContext): Promise<void> {
  return ctx.commit(await applicationTimeline(prisma, ctx));
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
