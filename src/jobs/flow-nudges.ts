import { isWorkingHours, type WorkingCalendar } from "../domain/calendar/working-days.ts";
import { nudgeMessage, type FlowState } from "../flows/engine.ts";
import type { FlowRegistry } from "../flows/flow-registry.ts";
import type { Logger } from "../log/logger.ts";
import type { PrismaClient } from "../storage/database.ts";
import { enqueue } from "../storage/outbox.ts";

const MAX_NUDGES = 2;

/**
 * Nudges abandoned conversations of every flow that wants it (conversation.nudges, default on;
 * the officer's opinion dialog opts out): after `idleHours` without an answer, only in
 * working hours, at most twice. Each nudge is claimed by a conditional update on the nudge
 * count, so two instances (or a restart mid-run) never send the same nudge twice.
 */
export async function nudgeIdleFlows(deps: { prisma: PrismaClient; flows: FlowRegistry; calendar: WorkingCalendar; timeZone: string; idleHours: number; now: Date; logger: Logger }): Promise<number> {
  const { prisma, now } = deps;
  if (!isWorkingHours(now, deps.timeZone, deps.calendar)) return 0;
  const idleSince = new Date(now.getTime() - deps.idleHours * 3_600_000);
  const flowIds = [...new Set(deps.flows.list().filter((f) => f.conversation?.nudges !== false).map((f) => f.id))];
  const sessions = await prisma.conversationSession.findMany({
    where: { status: "ACTIVE", flowId: { in: flowIds }, nudges: { lt: MAX_NUDGES }, lastActivityAt: { lt: idleSince }, OR: [{ lastNudgedAt: null }, { lastNudgedAt: { lt: idleSince } }] },
    take: 500,
  });
  let sent = 0;
  for (const s of sessions) {
    const { flow, state } = deps.flows.forState(JSON.parse(s.stateJson) as FlowState);
    const text = nudgeMessage(flow, state);
    if (!text) continue;
    await prisma.$transaction(async (tx) => {
      const claimed = await tx.conversationSession.updateMany({ where: { id: s.id, nudges: s.nudges, revision: s.revision }, data: { nudges: s.nudges + 1, lastNudgedAt: now } });
      if (claimed.count !== 1) return;
      await enqueue(tx, [{ channel: s.channel as never, userId: s.externalUserId, personId: s.personId, message: { kind: "text", text } }], now);
      sent++;
    });
  }
  if (sent > 0) deps.logger.info({ sent }, "flow nudges sent");
  return sent;
}

