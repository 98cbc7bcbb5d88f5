// 6.4 b in chat: at final approval the applicant is asked who the studio's manager is and the
// three facts (bot-flows/manager-designation.ts); its completion designates the manager
// (designateManager) and hands the set-up checklist (6.3 b) to that manager.
import { MANAGER_DESIGNATION_FLOW } from "../../../bot-flows/manager-designation.ts";
import type { ChannelName } from "../../domain/chat.ts";
import { ConflictError, DomainError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import { MANAGER_FACT_LABELS, type ManagerFacts } from "../../domain/studio/roster.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { enqueue, messagesTo, type OutgoingMessage } from "../../storage/outbox.ts";
import { designateManager } from "../studios/studio-members.ts";
import { findStudio, recipientsOfPeople, type StudioRow } from "../studios/studio-records.ts";
import type { Db } from "./conversations.ts";
import { chatActor, reachOf } from "./studio-chat-common.ts";
import { startSetupChecklist, type SetupDeps } from "./studio-setup-handler.ts";

/** Starts the designation for the studio's applicant (a paused conversation resumes after it). */
export async function startDesignation(tx: Tx, deps: SetupDeps, o: { studioId: string; personId: string; reach?: { channel: ChannelName; userId: string } | null; notice?: string; now: Date }): Promise<OutgoingMessage[]> {
  const reach = o.reach ?? (await reachOf(tx, o.personId));
  if (!reach) return [];
  return deps.conversations().startConversation(tx, { personId: o.personId, channel: reach.channel, userId: reach.userId, flowId: MANAGER_DESIGNATION_FLOW, context: { studioId: o.studioId }, notice: o.notice, now: o.now });
}

/** The approval service's onApproved: the applicant confirms the manager of the new studio. */
export function designationStarter(deps: SetupDeps & { now: () => Date }) {
  return async (tx: Tx, app: { id: string; applicantId: string }): Promise<OutgoingMessage[]> => {
    const studio = await tx.studio.findUnique({ where: { applicationId: app.id } });
    if (!studio) return [];
    try {
      return await startDesignation(tx, deps, { studioId: studio.id, personId: app.applicantId, now: deps.now() });
    } catch (err) {
      // The applicant's conversation changed at this very moment: the approval must not fail for
      // it. They are told how to designate instead (工作室建设 starts it while no manager is named).
      if (!(err instanceof ConflictError)) throw err;
      const reach = await reachOf(tx, app.applicantId);
      return reach ? [{ ...reach, personId: app.applicantId, message: { kind: "text", text: `请发送“工作室建设”，确认工作室 ${studio.number} 的管理者（6.4 b）并登记建设情况（6.3 b）。` } }] : [];
    }
  };
}

/** Who may designate: the application's applicant, or the enterprise's manager or head. */
async function mayDesignate(tx: Tx, studio: StudioRow, person: PersonView): Promise<boolean> {
  const app = await tx.application.findUnique({ where: { id: studio.applicationId }, select: { applicantId: true } });
  if (app?.applicantId === person.id) return true;
  return person.roles.some((r) => r.role === "ADMIN" || ((r.role === "ENTERPRISE_MANAGER" || r.role === "ENTERPRISE_HEAD") && r.enterpriseId === studio.enterpriseId));
}

/**
 * "Among the enterprise's people": someone with that mobile who holds a role for the enterprise,
 * is on its studio's roster, or is the head or contact named on its application (A.1).
 */
async function enterprisePersonByMobile(tx: Tx, studio: StudioRow, mobile: string) {
  const people = await tx.person.findMany({ where: { mobile }, include: { roles: { where: { revokedAt: null } } } });
  const app = await tx.application.findUnique({ where: { id: studio.applicationId }, select: { headMobile: true, contactMobile: true } });
  for (const p of people) {
    if (p.roles.some((r) => r.enterpriseId === studio.enterpriseId)) return p;
    if (await tx.studioMember.count({ where: { studioId: studio.id, personId: p.id, side: "ENTERPRISE", leftAt: null } })) return p;
    if (app && (app.headMobile === mobile || app.contactMobile === mobile)) return p;
  }
  return null;
}

/**
 * Runs after the session closed (afterCommit) in its own transaction: the manager's set-up
 * checklist is a new conversation, possibly of the same person.
 */
export function designationCompletion(deps: SetupDeps): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const studioId = String(c.context.studioId);
    const toSender = (text: string): OutgoingMessage => ({ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text", text } });
    await deps.prisma.$transaction(async (tx) => {
      const studio = await findStudio(tx, studioId);
      const out: OutgoingMessage[] = [];
      if (!studio || studio.status === "CLOSED" || !(await mayDesignate(tx, studio, c.person))) {
        await enqueue(tx, [toSender("您不能指定这个工作室的管理者：只有申请人或企业的负责人可以指定。")], c.now);
        return;
      }
      let managerId = c.person.id;
      let managerName = c.person.name;
      if (c.answers.who === "OTHER") {
        const mobile = String(c.answers.mobile ?? "");
        const found = await enterprisePersonByMobile(tx, studio, mobile);
        if (!found) {
          // Asked again from the start: the facts are about the person named.
          out.push(...(await startDesignation(tx, deps, { studioId: studio.id, personId: c.person.id, reach: c.sender, notice: `没有找到手机号为 ${maskMobiles(mobile)} 的本企业人员（须为企业已登记的人员，或申请表中的负责人、联系人）。请核对后重新指定，或由您本人担任。`, now: c.now })));
          await enqueue(tx, out, c.now);
          return;
        }
        managerId = found.id;
        managerName = found.name;
      }
      const facts: ManagerFacts = { inManagement: c.answers.inManagement === true, techMgmtExperience: c.answers.techMgmtExperience === true, ipKnowledge: c.answers.ipKnowledge === true };
      try {
        await designateManager(tx, { studio: studio.id, personId: managerId, facts }, chatActor(c.person, c.sender.channel), c.now);
      } catch (err) {
        // e.g. the person sits on the roster for another side: asked again, with the reason.
        if (!(err instanceof DomainError)) throw err;
        const why = err.message.startsWith("already a member") ? `${managerName} 已是工作室其他方面的成员，不能担任企业方管理者` : "无法指定该人员";
        out.push(...(await startDesignation(tx, deps, { studioId: studio.id, personId: c.person.id, reach: c.sender, notice: `${why}。请重新指定。`, now: c.now })));
        await enqueue(tx, out, c.now);
        return;
      }
      const unmet = (Object.keys(facts) as (keyof ManagerFacts)[]).filter((k) => !facts[k]).map((k) => MANAGER_FACT_LABELS[k]);
      const warn = unmet.length ? `\n注意：按标准 6.4 b，管理者应为企业管理层成员、具备技术管理经验和知识产权知识储备；尚不符合：${unmet.join("、")}。发送“工作室情况”可查看，如需更换请联系市局知识产权科室。` : "";
      const self = managerId === c.person.id;
      out.push(toSender(`已指定 ${self ? "您本人" : managerName} 为工作室 ${studio.number} 的管理者（6.4 b）。${self ? "" : "已通知对方登记工作室建设情况。"}${warn}`));
      if (!self) out.push(...messagesTo(await recipientsOfPeople(tx, [managerId]), { kind: "text", text: `${c.person.name} 已指定您为工作室 ${studio.number} 的管理者（6.4 b）。接下来请登记工作室建设情况（6.3 b）。` }));
      const checklist = await startSetupChecklist(tx, deps, { studioId: studio.id, personId: managerId, reach: self ? c.sender : null, now: c.now });
      if (!self && checklist.length === 0) out.push(toSender(`${managerName} 还没有在本应用中留下联系方式：请对方打开本应用，发送“工作室建设”登记建设情况。`));
      out.push(...checklist);
      await enqueue(tx, out, c.now);
    });
    return [];
  };
}
