import type { Clock } from "../deps.ts";

/**
 * How many anonymous refusals a route audits per minute: each is worth an audit entry, but a
 * flood from an unauthenticated client must not grow the audit log without bound. Past the
 * budget, the next audited refusal says how many went unrecorded.
 */
export function refusalBudget(clock: Clock, perMinute = 60) {
  let windowStart = -Infinity;
  let used = 0;
  let skipped = 0;
  return {
    /** null: over budget, do not audit (the caller logs once); else the count skipped before this one. */
    take(): { skippedBefore: number } | null {
      const now = clock.now().getTime();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        used = 0;
      }
      if (used >= perMinute) {
        skipped++;
        return null;
      }
      used++;
      const skippedBefore = skipped;
      skipped = 0;
      return { skippedBefore };
    },
    /** True for the first refusal over budget in a window: log that one only. */
    get firstSkipped(): boolean {
      return skipped === 1;
    },
  };
}
