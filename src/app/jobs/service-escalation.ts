import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { createServiceDesk } from "../service-requests/service-desk.ts";

// Clause 4 (有需必应): service requests not accepted by their due time go up — to the studio's
// city IP officer, one acceptance period later to ADMIN (dueEscalation). Each step is claimed
// by a conditional update on (status OPEN, escalationLevel), in the transaction of its messages:
// idempotent per (request, level), so a re-run, a restart or a second instance sends nothing twice.

export interface ServiceEscalationDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  newId: () => string;
  logger?: Logger;
}

export interface ServiceEscalationResult {
  /** Requests that went up one level in this run. */
  escalated: number;
  /** Of which to the city IP officer (level 1) and to ADMIN (level 2). */
  toCityIp: number;
  toAdmin: number;
}

export const SERVICE_ESCALATION_JOB = "service-escalation";
/** Suggested schedule: every 15 minutes (4-hour deadlines need it); the job itself is idempotent. */
export const SERVICE_ESCALATION_CRON = "*/15 * * * *";

export async function escalateServiceRequests(deps: ServiceEscalationDeps, now: Date): Promise<ServiceEscalationResult> {
  const desk = createServiceDesk({ prisma: deps.prisma, calendar: deps.calendar, timeZone: deps.timeZone, now: () => now, newId: deps.newId });
  const due = await deps.prisma.serviceRequest.findMany({ where: { status: "OPEN", escalationLevel: { lt: 2 }, dueAt: { lte: now } }, orderBy: { dueAt: "asc" }, take: 500 });
  const result: ServiceEscalationResult = { escalated: 0, toCityIp: 0, toAdmin: 0 };
  for (const req of due) {
    // One step per request and run: a request found two periods late reaches ADMIN on the next run.
    const level = await desk.escalate(req, now);
    if (level === null) continue;
    result.escalated++;
    if (level === 1) result.toCityIp++;
    else result.toAdmin++;
  }
  if (result.escalated > 0) deps.logger?.info(result, "service requests escalated");
  return result;
}
