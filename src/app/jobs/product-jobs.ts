import type { ApprovalService } from "../approvals/approval-service.ts";
import { randomId, type Services } from "../services.ts";
import { jobEnvName, type Config } from "../../config/config.ts";
import { CALENDAR_CHECK_JOB, checkNextYearCalendar } from "../calendar/calendar-check.ts";
import type { YearCalendar } from "../calendar/year-calendar.ts";
import type { FlowRegistry } from "../../flows/flow-registry.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { remindPendingApprovals } from "./approval-reminders.ts";
import { escalateServiceRequests, SERVICE_ESCALATION_JOB } from "./service-escalation.ts";
import { remindStudioRosters, remindStudioSetup } from "./studio-jobs.ts";
import { fetchPendingMedia, MEDIA_FETCH_JOB } from "../studios/setup-photo-fetch.ts";
import type { MediaStore } from "../../storage/media-key.ts";
import type { Conversations } from "../bot/conversations.ts";
import type { FollowUps } from "../surveys/follow-ups.ts";
import type { ReminderDigest } from "../ip/reminder-digest.ts";
import type { SurveyService } from "../surveys/survey-service.ts";
import { nudgeIdleFlows } from "../../jobs/flow-nudges.ts";
import { housekeeping } from "../../jobs/housekeeping.ts";
import { runOncePerSlot } from "../../jobs/job-claims.ts";

export interface ScheduledJob {
  name: string;
  /** Cron expression in the business time zone (node-cron on Node, cron triggers on Workers), or "off". */
  cron: string;
  defaultCron: string;
  /** JOB_<NAME>_CRON: the environment variable that replaces `defaultCron`. */
  env: string;
  /**
   * The JobRun claim slot of a run at `now` (one run per slot across instances and restarts).
   * Absent for the drains that run every few seconds: they are idempotent by themselves.
   */
  slot?: (now: Date) => string;
  /** The work itself, unclaimed (the admin API claims it the same way `run` does). */
  work(now: Date): Promise<unknown>;
  /** A scheduled run: claims (name, slot(now)) first; null when that slot already ran. */
  run(now: Date): Promise<unknown>;
}

export interface JobDeps {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  services: Services;
  domain: { approvals: ApprovalService; flows: FlowRegistry; calendar: YearCalendar; surveys: SurveyService; followUps: FollowUps; conversations: Conversations; reminders: ReminderDigest };
  /** Drains the outbox as of `now` (default: the services' dispatcher on the app's clock). */
  drainOutbox?: (now: Date) => Promise<unknown>;
  /** Where fetched set-up photos go (default: the services' store; none: nothing fetched). */
  mediaStore?: MediaStore;
}

const minuteSlot = (now: Date) => now.toISOString().slice(0, 16);
const daySlot = (now: Date) => now.toISOString().slice(0, 10);

/**
 * Every scheduled job of the product, runtime-agnostic, "off" ones included (GET /admin/jobs
 * lists them). `config.jobSchedules` (JOB_<NAME>_CRON) replaces a default schedule. A new job is
 * one entry here plus its name in JOB_NAMES (src/config/config.ts) and a README row.
 */
export function jobCatalogue(deps: JobDeps): ScheduledJob[] {
  const { prisma, config, logger, services, domain } = deps;
  const tz = config.timeZone;
  const studio = { prisma, calendar: domain.calendar, timeZone: tz, logger };
  const drainOutbox = deps.drainOutbox ?? (() => services.kickOutbox());
  const mediaStore = deps.mediaStore ?? services.mediaStore;
  const refusedMedia = new Set<string>();
  const defs: Array<Pick<ScheduledJob, "name" | "slot" | "work"> & { cron: string }> = [
    { name: "flow-nudges", cron: "*/15 * * * *", slot: minuteSlot, work: (now) => nudgeIdleFlows({ prisma, flows: domain.flows, calendar: domain.calendar, timeZone: tz, idleHours: config.flowNudgeIdleHours, now, logger }) },
    {
      name: "approval-reminders",
      cron: "0 9-17 * * *",
      slot: minuteSlot,
      work: (now) => remindPendingApprovals({ prisma, approvals: domain.approvals, directory: services.directory, calendar: domain.calendar, timeZone: tz, slaWorkingDays: config.approvalSlaWorkingDays, now, logger }),
    },
    // Acceptance is due in working hours (1 working day; 4 working hours for 7.2.3 disputes).
    { name: SERVICE_ESCALATION_JOB, cron: "*/5 * * * *", slot: minuteSlot, work: (now) => escalateServiceRequests({ prisma, calendar: domain.calendar, timeZone: tz, newId: randomId, logger }, now) },
    // Daily; remindStudioSetup sends on working days, once per studio and 5-working-day period.
    // Names differ from the per-studio claims ("studio-setup-reminder", "studio-roster-reminder").
    { name: "studio-setup", cron: "0 9 * * *", slot: daySlot, work: (now) => remindStudioSetup(studio, now) },
    // Weekly: runs daily, sends once per studio and ISO week, on the week's first working day.
    { name: "studio-rosters", cron: "10 9 * * *", slot: daySlot, work: (now) => remindStudioRosters(studio, now) },
    // Daily: re-reads admin-entered calendar years; in December warns ADMIN once if next year has none.
    { name: CALENDAR_CHECK_JOB, cron: "20 9 * * *", slot: daySlot, work: (now) => checkNextYearCalendar({ prisma, calendar: domain.calendar, directory: services.directory, timeZone: tz, logger }, now) },
    // Takes over failed events after their wait and a dead instance's events after its lease.
    { name: "inbound-retry", cron: "*/5 * * * * *", work: () => services.pipeline.retryStuck() },
    // Retries and backoff; the outbox is also drained right after each handled event.
    { name: "outbox", cron: "*/2 * * * * *", work: (now) => drainOutbox(now) },
    // Set-up photos: download each channel media id (WeCom: valid 3 days) into the media store.
    { name: MEDIA_FETCH_JOB, cron: "* * * * *", slot: minuteSlot, work: async (now) => (mediaStore ? fetchPendingMedia({ prisma, adapters: services.adapters, store: mediaStore, logger, refused: refusedMedia }, now) : { skipped: "no media store" }) },
    // 8.1: surveys after closed services (office hours; fatigue cap), reminders, expiry; a survey
    // abandoned half-way is ended once idle past its lifetime, so its session keeps no answers.
    {
      name: "surveys",
      cron: "*/10 * * * *",
      slot: minuteSlot,
      work: async (now) => ({ ...(await domain.surveys.sendDue(now)), ...(await domain.surveys.remindAndExpire(now)), lapsed: await domain.conversations.lapseIdle(now) }),
    },
    // 8.2: a follow-up's reminder on its due day, escalation to ADMIN after it.
    { name: "survey-follow-ups", cron: "5 9-17 * * *", slot: minuteSlot, work: (now) => domain.followUps.remindAndEscalate(now) },
    // IP risk reminders: one digest per manager per working day (09:00–18:00), idempotent per (deadline, milestone, recipient).
    { name: "ip-reminders", cron: "0 9-17 * * *", slot: minuteSlot, work: (now) => domain.reminders.run(now) },
    { name: "housekeeping", cron: "30 3 * * *", slot: daySlot, work: (now) => housekeeping(prisma, now) },
  ];
  return defs.map((d) => {
    const job: ScheduledJob = {
      ...d,
      cron: config.jobSchedules[d.name] ?? d.cron,
      defaultCron: d.cron,
      env: jobEnvName(d.name),
      run: (now) => (d.slot ? runOncePerSlot(prisma, d.name, d.slot(now), () => d.work(now), now) : d.work(now)),
    };
    return job;
  });
}

/** The jobs to schedule: the catalogue without the ones switched off. */
export function productJobs(deps: JobDeps): ScheduledJob[] {
  return jobCatalogue(deps).filter((j) => j.cron !== "off");
}
