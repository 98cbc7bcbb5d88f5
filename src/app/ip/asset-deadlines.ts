// Keeps an asset's Reminder rows in step with its deadlines (after it is added, edited, imported
// or a deadline is marked 已处理): one row per upcoming deadline, found later by its indexed
// nextRemindOn.
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { deadlinesOf } from "../../domain/ip/deadlines.ts";
import type { AssetFacts, Deadline } from "../../domain/ip/ip-types.ts";
import { dueMilestone, nextRemindOn } from "../../domain/ip/milestones.ts";
import type { Tx } from "../../storage/database.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { assetById, assetsWithDeadlinesIn, cancelOtherReminders, upsertReminder } from "../../storage/reminders.ts";

export interface DeadlineContext {
  today: string;
  calendar: WorkingCalendar;
}

/** The first date the reminder pass should look at a new deadline: a milestone already come, or the next one. */
export function firstRemindOn(d: Deadline, today: string): string | null {
  const input = { dueDate: d.dueDate, graceEndDate: d.graceEndDate, offsets: d.offsets };
  if (today > (d.graceEndDate ?? d.dueDate)) return null;
  return dueMilestone(input, today, new Set())?.on ?? nextRemindOn(input, today);
}

/**
 * Recomputes the asset's upcoming deadlines as of `ctx.today` and upserts their Reminder rows
 * (idempotent: dedupeKey = asset + deadline key + nominal date); pending deadlines that no longer
 * apply are CANCELLED. Call it in the transaction that wrote the asset.
 */
export async function syncAssetDeadlines(tx: Tx, assetId: string, ctx: DeadlineContext): Promise<{ created: number; cancelled: number; deadlines: Deadline[] }> {
  const asset = await assetById(tx, assetId);
  if (!asset) return { created: 0, cancelled: 0, deadlines: [] };
  const deadlines = asset.status === "ACTIVE" ? deadlinesOf(asset as AssetFacts, ctx) : [];
  const keys: string[] = [];
  let created = 0;
  for (const d of deadlines) {
    // The nominal date, not the due date: a holiday year loaded later moves the due date of the same deadline.
    const dedupeKey = `${asset.id}:${d.key}:${d.nominalDate}`;
    keys.push(dedupeKey);
    const detail = { ...d.detail, label: d.label, nominalDate: d.nominalDate, offsets: d.offsets.join(","), basis: d.basis, key: d.key };
    if (await upsertReminder(tx, { enterpriseId: asset.enterpriseId, assetId: asset.id, kind: d.kind, dueDate: d.dueDate, graceEndDate: d.graceEndDate, detailJson: JSON.stringify(detail), nextRemindOn: firstRemindOn(d, ctx.today), dedupeKey })) created++;
  }
  const cancelled = await cancelOtherReminders(tx, asset.id, keys);
  return { created, cancelled, deadlines };
}

/**
 * After a holiday year was loaded or changed: every asset with a pending deadline in that year is
 * computed again, so a due date that now falls on a holiday moves (one transaction per asset).
 */
export async function resyncDeadlinesInYear(prisma: PrismaClient, year: number, ctx: DeadlineContext): Promise<number> {
  const ids = await assetsWithDeadlinesIn(prisma, year);
  for (const id of ids) await prisma.$transaction((tx) => syncAssetDeadlines(tx, id, ctx));
  return ids.length;
}
