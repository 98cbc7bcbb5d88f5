// 8.1 feedback surveys and 8.2 follow-ups, as rules on dates: when a survey may go out, when a
// non-respondent is reminded, when a score is low enough to follow up, and when a follow-up is due.
// Pure: the jobs pass the calendar, the business time zone and "now".

import { addWorkingHours } from "../studio/service-deadline.ts";
import { businessDate, type WorkingCalendar } from "../calendar/working-days.ts";

export interface SurveySettings {
  /** Minutes after a service is closed before its survey goes out. */
  delayMinutes: number;
  /** Days a survey can be answered. */
  expiryDays: number;
  /** At most one survey per enterprise in this many days (0: no cap). */
  fatigueDays: number;
  /** Working days to close a follow-up. */
  followUpWorkingDays: number;
}

export const DEFAULT_SURVEY_SETTINGS: SurveySettings = { delayMinutes: 60, expiryDays: 7, fatigueDays: 7, followUpWorkingDays: 5 };

/** Reminders to non-respondents after these many working days (8.1). */
export const REMINDER_WORKING_DAYS = [1, 3] as const;

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The first instant a survey for a service closed at `closedAt` may be sent: the delay later, moved
 * to the next office hours (working days 09:00–18:00) — nobody is surveyed at night or on a holiday.
 */
export function surveySendableAt(closedAt: Date, settings: Pick<SurveySettings, "delayMinutes">, calendar: WorkingCalendar, timeZone: string): Date {
  return addWorkingHours(new Date(closedAt.getTime() + settings.delayMinutes * MINUTE), 0, calendar, timeZone);
}

/** The fatigue cap: whether an enterprise last surveyed at `lastSentAt` may get another one at `now`. */
export function fatigueAllows(lastSentAt: Date | null, now: Date, settings: Pick<SurveySettings, "fatigueDays">): boolean {
  return !lastSentAt || now.getTime() - lastSentAt.getTime() >= settings.fatigueDays * DAY;
}

export function surveyExpiresAt(sentAt: Date, settings: Pick<SurveySettings, "expiryDays">): Date {
  return new Date(sentAt.getTime() + settings.expiryDays * DAY);
}

/**
 * How many reminders a non-respondent should have had by `now` (0, 1 or 2): one after 1 working
 * day, a second after 3, counted in business dates from the day the survey was sent.
 */
export function remindersDue(sentAt: Date, now: Date, calendar: WorkingCalendar, timeZone: string): number {
  const days = calendar.workingDaysBetween(businessDate(sentAt, timeZone), businessDate(now, timeZone));
  return REMINDER_WORKING_DAYS.filter((d) => days >= d).length;
}

export interface SurveyScores {
  overall: number;
  timeliness: number;
  professionalism: number;
  recommend: number;
}

/** 8.2: any 1–5 score ≤ 2, or a recommendation ≤ 6 (a detractor), opens a follow-up. */
export function isLowScore(s: SurveyScores): boolean {
  return s.overall <= 2 || s.timeliness <= 2 || s.professionalism <= 2 || s.recommend <= 6;
}

/** The scores that made a response low, in words, for the officer's card. */
export function lowScoreReasons(s: SurveyScores): string[] {
  const out: string[] = [];
  if (s.overall <= 2) out.push(`整体满意度 ${s.overall}/5`);
  if (s.timeliness <= 2) out.push(`及时性 ${s.timeliness}/5`);
  if (s.professionalism <= 2) out.push(`专业性 ${s.professionalism}/5`);
  if (s.recommend <= 6) out.push(`推荐意愿 ${s.recommend}/10`);
  return out;
}

/** A follow-up opened on `openedOn` is due after this many working days (a business date). */
export function followUpDueOn(openedOn: string, settings: Pick<SurveySettings, "followUpWorkingDays">, calendar: WorkingCalendar): string {
  return calendar.addWorkingDays(openedOn, settings.followUpWorkingDays);
}

/**
 * What an open follow-up needs on `today` (a working day): a reminder on its last working day,
 * escalation to ADMIN once past due. Each happens once (the caller records it).
 */
export function followUpStep(f: { dueOn: string; remindedAt: Date | null; escalatedAt: Date | null }, today: string, calendar: WorkingCalendar): "remind" | "escalate" | null {
  if (!calendar.isWorkingDay(today)) return null;
  if (today > f.dueOn) return f.escalatedAt ? null : "escalate";
  if (today === f.dueOn) return f.remindedAt ? null : "remind";
  return null;
}
