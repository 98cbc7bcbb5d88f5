import { businessDate, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { rosterCompliance } from "../../domain/studio/roster.ts";
import { setupItemsMissing } from "../../domain/studio/studio-setup.ts";
import type { Logger } from "../../log/logger.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { enqueue, messagesTo } from "../../storage/outbox.ts";
import { activeMembers, recipientsOfPeople, studioCityIpOfficers, studioManagers, toRosterMember } from "../studios/studio-records.ts";
import { rosterReminderText, setupAwaitingConfirmationText, setupReminderText } from "../studios/studio-texts.ts";

// Studio reminders (clause 4: nothing waits without a reminder). Each (studio, slot) is claimed
// once in JobRun, in the same transaction as the messages it queues, so a second run, a restart
// or a second instance never sends one twice and a failed run leaves no claim behind.

export interface StudioJobDeps {
  prisma: PrismaClient;
  calendar: WorkingCalendar;
  timeZone: string;
  logger?: Logger;
}

/** JobRun.job of the per-studio claims (the scheduled runs themselves use other names). */
export const SETUP_REMINDER_CLAIM = "studio-setup-reminder";
export const ROSTER_REMINDER_CLAIM = "studio-roster-reminder";
export const SETUP_REMINDER_WORKING_DAYS = 5;

/**
 * Claims (job, slot) and queues what `messages` returns, atomically; false when already claimed,
 * or when there is nobody to tell (then no claim: a later run tries again).
 */
async function claimAndSend(prisma: PrismaClient, job: string, slot: string, now: Date, messages: (tx: Tx) => Promise<Parameters<typeof enqueue>[1]>): Promise<boolean> {
  if (await prisma.jobRun.findUnique({ where: { job_slot: { job, slot } }, select: { job: true } })) return false;
  try {
    return await prisma.$transaction(async (tx) => {
      const out = await messages(tx);
      if (out.length === 0) return false;
      await tx.jobRun.create({ data: { job, slot, startedAt: now } });
      await enqueue(tx, out, now);
      await tx.jobRun.update({ where: { job_slot: { job, slot } }, data: { finishedAt: now, result: JSON.stringify({ messages: out.length }) } });
      return true;
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return false; // a concurrent run claimed it
    throw err;
  }
}

/** ISO 8601 week of a "YYYY-MM-DD" date, e.g. "2026-W48". */
export function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  d.setUTCDate(d.getUTCDate() - weekday + 3); // the week's Thursday decides its year
  const year = d.getUTCFullYear();
  const week = Math.floor((d.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/**
 * 6.3 b: every 5 working days after approval while a studio is SETTING_UP, its manager is
 * reminded of the items still to record; once submitted, its city IP officer of the pending
 * confirmation instead. One reminder per studio and 5-working-day period, on working days.
 */
export async function remindStudioSetup(deps: StudioJobDeps, now: Date): Promise<{ reminded: number }> {
  const { prisma, calendar, timeZone } = deps;
  const today = businessDate(now, timeZone);
  if (!calendar.isWorkingDay(today)) return { reminded: 0 };
  const studios = await prisma.studio.findMany({ where: { status: "SETTING_UP" }, include: { enterprise: { select: { name: true } }, setupItems: true } });
  let reminded = 0;
  for (const s of studios) {
    const period = Math.floor(calendar.workingDaysBetween(businessDate(s.approvedAt, timeZone), today) / SETUP_REMINDER_WORKING_DAYS);
    if (period < 1) continue;
    const card = { number: s.number, enterpriseName: s.enterprise.name };
    const sent = await claimAndSend(prisma, SETUP_REMINDER_CLAIM, `${s.id}:${period}`, now, async (tx) => {
      if (s.setupSubmittedAt) {
        const to = await recipientsOfPeople(tx, await studioCityIpOfficers(tx, s.id));
        return messagesTo(to, { kind: "text", text: setupAwaitingConfirmationText(card, businessDate(s.setupSubmittedAt, timeZone)) });
      }
      const to = await recipientsOfPeople(tx, await studioManagers(tx, s.id));
      return messagesTo(to, { kind: "text", text: setupReminderText(card, setupItemsMissing(s.setupItems)) });
    });
    if (sent) reminded++;
  }
  if (reminded > 0) deps.logger?.info({ reminded }, "studio set-up reminders");
  return { reminded };
}

/**
 * 6.4: once a week (ISO week, on a working day), the city IP officer of each studio whose roster
 * falls short is told exactly what is missing.
 */
export async function remindStudioRosters(deps: StudioJobDeps, now: Date): Promise<{ reminded: number }> {
  const { prisma, calendar, timeZone } = deps;
  const today = businessDate(now, timeZone);
  if (!calendar.isWorkingDay(today)) return { reminded: 0 };
  const week = isoWeek(today);
  const studios = await prisma.studio.findMany({ where: { status: { in: ["SETTING_UP", "OPERATING"] } }, include: { enterprise: { select: { name: true } } } });
  let reminded = 0;
  for (const s of studios) {
    const compliance = rosterCompliance((await activeMembers(prisma, s.id)).map(toRosterMember));
    if (compliance.ok) continue;
    const sent = await claimAndSend(prisma, ROSTER_REMINDER_CLAIM, `${s.id}:${week}`, now, async (tx) => {
      const to = await recipientsOfPeople(tx, await studioCityIpOfficers(tx, s.id));
      return messagesTo(to, { kind: "text", text: rosterReminderText({ number: s.number, enterpriseName: s.enterprise.name }, compliance) });
    });
    if (sent) reminded++;
  }
  if (reminded > 0) deps.logger?.info({ reminded }, "studio roster reminders");
  return { reminded };
}
