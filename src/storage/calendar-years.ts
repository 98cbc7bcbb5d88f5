import { appendAudit } from "./audit-log.ts";
import type { PrismaClient } from "./database.ts";
import { enqueue, type OutgoingMessage } from "./outbox.ts";

// Admin-entered working-day calendar years (the State Council's holiday notice as data). A year
// in this table replaces the chinese-days package's data for that year.

export interface CalendarYearRecord {
  year: number;
  holidays: string[];
  makeupWorkdays: string[];
  note: string | null;
  updatedAt: Date;
}

type Row = { year: number; holidaysJson: string; makeupJson: string; note: string | null; updatedAt: Date };

const dates = (json: string): string[] => {
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? v.filter((d): d is string => typeof d === "string") : [];
};
const record = (r: Row): CalendarYearRecord => ({ year: r.year, holidays: dates(r.holidaysJson), makeupWorkdays: dates(r.makeupJson), note: r.note, updatedAt: r.updatedAt });

/** Every admin-entered year (a handful of rows: read whole on each reload). */
export async function listCalendarYears(prisma: Pick<PrismaClient, "calendarYear">): Promise<CalendarYearRecord[]> {
  const rows = await prisma.calendarYear.findMany({ orderBy: { year: "asc" } });
  return rows.map(record);
}

/** Creates or replaces a year and audits it (`calendar.year_saved`, actor ADMIN) in one transaction. */
export async function saveCalendarYear(
  prisma: PrismaClient,
  y: { year: number; holidays: string[]; makeupWorkdays: string[]; note: string | null },
  audit: { at: Date; previousSource: string },
): Promise<CalendarYearRecord> {
  return prisma.$transaction(async (tx) => {
    const data = { holidaysJson: JSON.stringify(y.holidays), makeupJson: JSON.stringify(y.makeupWorkdays), note: y.note, updatedById: null, updatedAt: audit.at };
    const row = await tx.calendarYear.upsert({ where: { year: y.year }, create: { year: y.year, ...data }, update: data });
    await appendAudit(tx, {
      at: audit.at,
      action: "calendar.year_saved",
      subjectType: "CalendarYear",
      subjectId: String(y.year),
      actorRole: "ADMIN",
      channel: "admin-api",
      detail: { holidays: y.holidays.length, makeupWorkdays: y.makeupWorkdays.length, replaced: audit.previousSource, note: y.note },
    });
    return record(row);
  });
}

/** Removes an admin-entered year (the package's data, or weekends only, applies again); false when none. */
export async function deleteCalendarYear(prisma: PrismaClient, year: number, at: Date): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.calendarYear.deleteMany({ where: { year } });
    if (count === 0) return false;
    await appendAudit(tx, { at, action: "calendar.year_deleted", subjectType: "CalendarYear", subjectId: String(year), actorRole: "ADMIN", channel: "admin-api", detail: {} });
    return true;
  });
}

/**
 * Claims (job, slot) in JobRun and queues the messages in the same transaction: false when the
 * slot was already claimed (by an earlier run, a concurrent one or another instance).
 */
export async function claimAndEnqueue(prisma: PrismaClient, job: string, slot: string, messages: OutgoingMessage[], now: Date): Promise<boolean> {
  if (await prisma.jobRun.findUnique({ where: { job_slot: { job, slot } }, select: { job: true } })) return false;
  try {
    return await prisma.$transaction(async (tx) => {
      await tx.jobRun.create({ data: { job, slot, startedAt: now, finishedAt: now, result: JSON.stringify({ messages: messages.length }) } });
      await enqueue(tx, messages, now);
      return true;
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") return false;
    throw err;
  }
}
