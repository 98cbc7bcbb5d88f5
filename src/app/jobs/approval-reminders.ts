import type { ApprovalService } from "../approvals/approval-service.ts";
import { shortId, STAGE_SHORT } from "../approvals/approval-texts.ts";
import { businessDate, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { Role } from "../../domain/roles.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { Directory } from "../../storage/directory.ts";
import { enqueue, messagesTo } from "../../storage/outbox.ts";

/** Who hears of a stage that stays pending a second period (besides ADMIN). */
const NEXT_UP: Record<number, Role> = { 1: "CITY_IP_OFFICER", 2: "CITY_LEADER", 3: "ADMIN" };

/**
 * Service levels of the approval stages, in Chinese working days: on the due day the stage's
 * officers get a fresh card (old WeCom cards may no longer be updatable); a further SLA period
 * later the next role up and ADMIN are told. Each step is claimed with a conditional update
 * (remindedAt / escalatedAt still null), so restarts and second instances never repeat one.
 */
export async function remindPendingApprovals(deps: { prisma: PrismaClient; approvals: ApprovalService; directory: Directory; calendar: WorkingCalendar; timeZone: string; slaWorkingDays: number; now: Date; logger: Logger }): Promise<{ reminded: number; escalated: number }> {
  const { prisma, now, calendar } = deps;
  const today = businessDate(now, deps.timeZone);
  if (!calendar.isWorkingDay(today)) return { reminded: 0, escalated: 0 };
  const pending = await prisma.approvalStep.findMany({ where: { status: "PENDING", dueOn: { lte: today } }, include: { application: true } });
  let reminded = 0;
  let escalated = 0;
  for (const step of pending) {
    if (!step.remindedAt) {
      await prisma.$transaction(async (tx) => {
        const claimed = await tx.approvalStep.updateMany({ where: { id: step.id, remindedAt: null, status: "PENDING" }, data: { remindedAt: now } });
        if (claimed.count !== 1) return;
        await enqueue(tx, await deps.approvals.sendStageCards(tx, step.application, step, { reminder: true }), now);
        reminded++;
      });
    }
    const escalateOn = calendar.addWorkingDays(step.dueOn, deps.slaWorkingDays);
    if (!step.escalatedAt && today >= escalateOn) {
      const to = [...(await deps.directory.recipientsWithRole(NEXT_UP[step.stage]!)), ...(step.stage === 3 ? [] : await deps.directory.recipientsWithRole("ADMIN"))];
      const text = `【审批超时】${step.application.enterpriseName}（申请号 ${shortId(step.applicationId)}）的${STAGE_SHORT[step.stage as 1 | 2 | 3]}已于 ${step.dueOn} 到期，至今未处理，请督促办理。`;
      await prisma.$transaction(async (tx) => {
        const claimed = await tx.approvalStep.updateMany({ where: { id: step.id, escalatedAt: null, status: "PENDING" }, data: { escalatedAt: now } });
        if (claimed.count !== 1) return;
        await enqueue(tx, messagesTo(to, { kind: "text", text }), now);
        await deps.approvals.audit(tx, { action: "approval.escalated", applicationId: step.applicationId, detail: { stage: step.stage, dueOn: step.dueOn, notified: to.length } });
        escalated++;
      });
    }
  }
  if (reminded + escalated > 0) deps.logger.info({ reminded, escalated }, "approval reminders");
  return { reminded, escalated };
}
