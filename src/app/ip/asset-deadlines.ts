// Keeps an asset's Reminder rows in step with its deadlines (after it is added, edited, imported
// or a deadline is marked 已处理): one row per upcoming deadline, found later by its indexed
// nextRemindOn.
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { deadlinesOf } from "../../domain/ip/deadlines.ts";
import type { AssetFacts, Deadline } from "../../domain/ip/ip-types.ts";
import { dueMilestone, nextRemindOn } from "../../domain/ip/milestones.ts";
import type { Tx } from "../../storage/database.ts";
import { assetById, cancelOtherReminders, upsertReminder } from "../../storage/reminders.ts";

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
 * (idempotent: dedupeKey = asset + deadline key + due date); pending deadlines that no longer
 * apply are CANCELLED. Call it in the transaction that wrote the asset.
 */
export async function syncAssetDeadlines(tx: Tx, assetId: string, ctx: DeadlineContext): Promise<{ created: number; cancelled: number; deadlines: Deadline[] }> {
  const asset = await assetById(tx, assetId);
  if (!asset) return { created: 0, cancelled: 0, deadlines: [] };
  const deadlines = asset.status === "ACTIVE" ? deadlinesOf(asset as AssetFacts, ctx) : [];
  const keys: string[] = [];
  let created = 0;
  for (const d of deadlines) {
    const dedupeKey = `${asset.id}:${d.key}:${d.dueDate}`;
    keys.push(dedupeKey);
    const detail = { ...d.detail, label: d.label, nominalDate: d.nominalDate, offsets: d.offsets.join(","), basis: d.basis, key: d.key };
    if (await upsertReminder(tx, { enterpriseId: asset.enterpriseId, assetId: asset.id, kind: d.kind, dueDate: d.dueDate, graceEndDate: d.graceEndDate, detailJson: JSON.stringify(detail), nextRemindOn: firstRemindOn(d, ctx.today), dedupeKey })) created++;
  }
  const cancelled = await cancelOtherReminders(tx, asset.id, keys);
  return { created, cancelled, deadlines };
}
