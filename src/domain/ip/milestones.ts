// When a deadline's reminders go out: on each offset before the due date (default 90, 30, 7 and 1
// days), weekly through a grace period after it, and on the day a snooze ends. A pass sends only
// the latest milestone that has come and was not sent yet: a server that was down catches up
// with one reminder, not one per missed milestone.

export interface Milestone {
  /** Stable per deadline: "90", "30", "grace:2026-10-15", "snooze:2026-10-12". */
  key: string;
  /** The business date it comes due. */
  on: string;
}

export interface MilestoneInput {
  dueDate: string;
  graceEndDate: string | null;
  offsets: number[];
  snoozedUntil?: string | null;
}

import { addDays } from "./ip-dates.ts";

/** Every milestone of the deadline, in date order. */
export function milestonesOf(d: MilestoneInput): Milestone[] {
  const out: Milestone[] = [...new Set(d.offsets)].sort((a, b) => b - a).map((n) => ({ key: String(n), on: addDays(d.dueDate, -n) }));
  // 8 weeks at most (a 6-month grace period is ~26 weeks: weekly with the late fee rising).
  if (d.graceEndDate) for (let on = addDays(d.dueDate, 7); on <= d.graceEndDate; on = addDays(on, 7)) out.push({ key: `grace:${on}`, on });
  if (d.snoozedUntil) out.push({ key: `snooze:${d.snoozedUntil}`, on: d.snoozedUntil });
  return out.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/**
 * The milestone to send on `today`: the latest one come due. A snooze holds back every milestone
 * before it ends. Null when that one was sent already (`sent` holds the keys delivered).
 */
export function dueMilestone(d: MilestoneInput, today: string, sent: ReadonlySet<string>): Milestone | null {
  if (d.snoozedUntil && today < d.snoozedUntil) return null;
  const come = milestonesOf(d).filter((m) => m.on <= today);
  const latest = come.at(-1);
  if (!latest) return null;
  // Once a later milestone was sent, the earlier ones are covered.
  return sent.has(latest.key) ? null : latest;
}

/** The next date something is to be sent after `today` (null: nothing left). */
export function nextRemindOn(d: MilestoneInput, today: string): string | null {
  if (d.snoozedUntil && today < d.snoozedUntil) return d.snoozedUntil;
  return milestonesOf(d).find((m) => m.on > today)?.on ?? null;
}
