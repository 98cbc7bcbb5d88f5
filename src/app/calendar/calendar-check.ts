import { businessDate } from "../../domain/calendar/working-days.ts";
import type { Logger } from "../../log/logger.ts";
import { claimAndEnqueue } from "../../storage/calendar-years.ts";
import type { PrismaClient } from "../../storage/database.ts";
import type { Directory } from "../../storage/directory.ts";
import { messagesTo } from "../../storage/outbox.ts";
import { calendarFixRoute, type YearCalendar } from "./year-calendar.ts";

// The State Council publishes next year's holidays around November; deadlines in a year without
// them count weekends only. In December, ADMIN hears once (claimed per year in JobRun) when next
// year is in neither the chinese-days package nor the CalendarYear table.

export const CALENDAR_CHECK_JOB = "calendar-check";
/** JobRun.job of the once-per-year warning (slot: the missing year). */
export const CALENDAR_WARNING_CLAIM = "calendar-year-missing";

export interface CalendarCheckDeps {
  prisma: PrismaClient;
  calendar: YearCalendar;
  directory: Pick<Directory, "recipientsWithRole">;
  timeZone: string;
  logger: Logger;
}

export function missingYearText(year: number): string {
  return (
    `【节假日安排缺失】系统还没有 ${year} 年的法定节假日和调休安排（chinese-days 软件包和管理员录入都没有），` +
    `${year} 年的期限（审批时限、服务受理、提醒）目前只把周末算作休息日。` +
    `请在国务院办公厅发布《关于 ${year} 年部分节假日安排的通知》后录入：${calendarFixRoute(year)}，` +
    `正文 {"holidays":["${year}-01-01",…],"makeupWorkdays":[…]}（放假的每一天，以及调休上班的周末）。`
  );
}

/**
 * Daily: re-reads the admin-entered years (so a year saved on another instance counts), then on a
 * working day in December warns ADMIN once if next year has no schedule.
 */
export async function checkNextYearCalendar(deps: CalendarCheckDeps, now: Date): Promise<{ nextYear: number; source: string; warned: boolean; reason?: string }> {
  await deps.calendar.reload();
  const today = businessDate(now, deps.timeZone);
  const nextYear = Number(today.slice(0, 4)) + 1;
  const source = deps.calendar.sourceOf(nextYear);
  if (today.slice(5, 7) !== "12") return { nextYear, source, warned: false, reason: "not December" };
  if (source !== "weekends-only") return { nextYear, source, warned: false };
  if (!deps.calendar.isWorkingDay(today)) return { nextYear, source, warned: false, reason: "not a working day" };
  const admins = await deps.directory.recipientsWithRole("ADMIN");
  if (admins.length === 0) {
    deps.logger.warn({ year: nextYear, fix: calendarFixRoute(nextYear) }, "next year's holiday schedule is missing and no ADMIN can be told");
    return { nextYear, source, warned: false, reason: "no ADMIN to tell" };
  }
  // The JobRun claim makes it once per year; the dedupe keys keep it so should housekeeping drop
  // the claim (after 30 days) while December lasts: sent messages stay 180 days.
  const messages = messagesTo(admins, { kind: "text", text: missingYearText(nextYear) }).map((m) => ({ ...m, dedupeKey: `${CALENDAR_WARNING_CLAIM}:${nextYear}:${m.channel}:${m.userId}` }));
  const warned = await claimAndEnqueue(deps.prisma, CALENDAR_WARNING_CLAIM, String(nextYear), messages, now);
  if (warned) deps.logger.warn({ year: nextYear, admins: admins.length }, "ADMIN told that next year's holiday schedule is missing");
  return { nextYear, source, warned };
}
