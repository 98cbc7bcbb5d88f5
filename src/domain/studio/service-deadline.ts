// Clause 4 (有需必应): a service request must be accepted within a number of working hours —
// 4 for a 7.2.3 dispute, one working day otherwise. Working hours are office hours on Chinese
// working days, so a request sent on Friday evening before a holiday is due after the holiday.

import { serviceSubItem } from "./service-catalogue.ts";
import { localParts, type WorkingCalendar } from "../calendar/working-days.ts";

export interface OfficeHours {
  /** Local hours [start, end), as in isWorkingHours. */
  start: number;
  end: number;
}
export const OFFICE_HOURS: OfficeHours = { start: 9, end: 18 };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The instant's wall-clock time in `timeZone`, as if it were UTC (minute precision kept). */
function wallClock(instant: Date, timeZone: string): number {
  const p = localParts(instant, timeZone);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) + (instant.getTime() % MINUTE);
}

function fromWallClock(wall: number, timeZone: string): Date {
  // The zone's offset near the result (no DST in Asia/Shanghai; one correction elsewhere).
  let guess = new Date(wall - (wallClock(new Date(wall), timeZone) - wall));
  guess = new Date(wall - (wallClock(guess, timeZone) - guess.getTime()));
  return guess;
}

/** `start` plus `hours` of office time on working days. */
export function addWorkingHours(start: Date, hours: number, calendar: WorkingCalendar, timeZone: string, office: OfficeHours = OFFICE_HOURS): Date {
  let left = Math.round(hours * 60) * MINUTE;
  let wall = wallClock(start, timeZone);
  for (let guard = 0; guard < 3660; guard++) {
    const dayStart = Math.floor(wall / DAY) * DAY;
    const open = dayStart + office.start * 60 * MINUTE;
    const close = dayStart + office.end * 60 * MINUTE;
    const date = new Date(dayStart).toISOString().slice(0, 10);
    if (calendar.isWorkingDay(date) && wall < close) {
      const from = Math.max(wall, open);
      if (from + left <= close) return fromWallClock(from + left, timeZone);
      left -= close - from;
    }
    wall = dayStart + DAY;
  }
  throw new Error("addWorkingHours: no working day within ten years");
}

/**
 * When a new request must be accepted: 4 working hours for 7.2.3 a (a dispute at its start),
 * else one working day (the office day's length), counted from `createdAt`.
 */
export function acceptanceDue(createdAt: Date, subItemCode: string | null | undefined, calendar: WorkingCalendar, timeZone: string, office: OfficeHours = OFFICE_HOURS): { urgent: boolean; dueAt: Date } {
  const urgent = serviceSubItem(subItemCode ?? "")?.urgent ?? false;
  const hours = urgent ? 4 : office.end - office.start;
  return { urgent, dueAt: addWorkingHours(createdAt, hours, calendar, timeZone, office) };
}

export type EscalationTarget = "STUDIO_CITY_IP_OFFICER" | "ADMIN";

/**
 * Clause 4: a request not accepted by its due time goes up one level — first to the studio's city
 * IP officer, one more acceptance period later to ADMIN — and no further. Returns the step due
 * at `now` (with the next due time to store), or null.
 */
export function dueEscalation(
  r: { status: string; urgent: boolean; escalationLevel: number; dueAt: Date | null },
  now: Date,
  calendar: WorkingCalendar,
  timeZone: string,
  office: OfficeHours = OFFICE_HOURS,
): { level: 1 | 2; to: EscalationTarget; nextDueAt: Date | null } | null {
  if (r.status !== "OPEN" || !r.dueAt || now < r.dueAt) return null;
  if (r.escalationLevel === 0) return { level: 1, to: "STUDIO_CITY_IP_OFFICER", nextDueAt: addWorkingHours(r.dueAt, r.urgent ? 4 : office.end - office.start, calendar, timeZone, office) };
  if (r.escalationLevel === 1) return { level: 2, to: "ADMIN", nextDueAt: null };
  return null;
}
