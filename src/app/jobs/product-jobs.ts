import type { ApprovalService } from "../approvals/approval-service.ts";
import type { Services } from "../services.ts";
import type { Config } from "../../config/config.ts";
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { remindPendingApprovals } from "./approval-reminders.ts";
import { nudgeIdleFlows } from "../../jobs/flow-nudges.ts";
import { housekeeping } from "../../jobs/housekeeping.ts";
import { runOncePerSlot } from "../../jobs/job-claims.ts";

export interface ScheduledJob {
  name: string;
  /** Cron expression in the business time zone (node-cron on Node, cron triggers on Workers). */
  cron: string;
  run(now: Date): Promise<unknown>;
}

/**
 * The product's scheduled work, runtime-agnostic: the Node entry schedules it with node-cron.
 * `config.jobSchedules` (JOB_<NAME>_CRON) replaces a default schedule; "off" drops the job.
 */
export function productJobs(deps: { prisma: PrismaClient; config: Config; logger: Logger; services: Services; domain: { approvals: ApprovalService; flows: FlowRegistry; calendar: WorkingCalendar } }): ScheduledJob[] {
  const { prisma, config, logger, services, domain } = deps;
  // One run per slot across instances; the jobs are idempotent on top of that.
  const minuteSlot = (now: Date) => now.toISOString().slice(0, 16);
  const jobs: ScheduledJob[] = [
    {
      name: "flow-nudges",
      cron: "*/15 * * * *",
      run: (now) => runOncePerSlot(prisma, "flow-nudges", minuteSlot(now), () => nudgeIdleFlows({ prisma, flows: domain.flows, calendar: domain.calendar, timeZone: config.timeZone, idleHours: config.flowNudgeIdleHours, now, logger }), now),
    },
    {
      name: "approval-reminders",
      cron: "0 9-17 * * *",
      run: (now) =>
        runOncePerSlot(prisma, "approval-reminders", minuteSlot(now), () =>
          remindPendingApprovals({ prisma, approvals: domain.approvals, directory: services.directory, calendar: domain.calendar, timeZone: config.timeZone, slaWorkingDays: config.approvalSlaWorkingDays, now, logger }), now,
        ),
    },
    // Takes over failed events after their wait and a dead instance's events after its lease.
    { name: "inbound-retry", cron: "*/5 * * * * *", run: () => services.pipeline.retryStuck() },
    { name: "housekeeping", cron: "30 3 * * *", run: (now) => runOncePerSlot(prisma, "housekeeping", now.toISOString().slice(0, 10), () => housekeeping(prisma, now), now) },
  ];
  return jobs.map((j) => ({ ...j, cron: config.jobSchedules[j.name] ?? j.cron })).filter((j) => j.cron !== "off");
}
