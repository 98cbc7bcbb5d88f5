import { describe, expect, it } from "vitest";
import { dueMilestone, milestonesOf, nextRemindOn } from "../../src/domain/ip/milestones.ts";

const annuity = { dueDate: "2026-10-08", graceEndDate: "2027-04-08", offsets: [90, 30, 7, 1] };

describe("IP reminder milestones", () => {
  it("90, 30, 7 and 1 days before, then weekly through the grace period", () => {
    const m = milestonesOf(annuity);
    expect(m.slice(0, 4)).toEqual([
      { key: "90", on: "2026-07-10" },
      { key: "30", on: "2026-09-08" },
      { key: "7", on: "2026-10-01" },
      { key: "1", on: "2026-10-07" },
    ]);
    expect(m[4]).toEqual({ key: "grace:2026-10-15", on: "2026-10-15" });
    expect(m.at(-1)).toEqual({ key: "grace:2027-04-08", on: "2027-04-08" });
    expect(m.length).toBe(4 + 26);
    expect(milestonesOf({ dueDate: "2026-12-01", graceEndDate: null, offsets: [30, 7] }).map((x) => x.on)).toEqual(["2026-11-01", "2026-11-24"]);
  });

  it("sends the latest milestone come due, once: after downtime one reminder, not one per missed milestone", () => {
    expect(dueMilestone(annuity, "2026-07-09", new Set())).toBeNull();
    expect(dueMilestone(annuity, "2026-07-10", new Set())?.key).toBe("90");
    expect(dueMilestone(annuity, "2026-07-11", new Set(["90"]))).toBeNull();
    // Down from July to October: only the 7-day one is owed.
    expect(dueMilestone(annuity, "2026-10-02", new Set(["90"]))?.key).toBe("7");
    expect(dueMilestone(annuity, "2026-10-02", new Set(["7"]))).toBeNull();
    expect(nextRemindOn(annuity, "2026-10-02")).toBe("2026-10-07");
    expect(nextRemindOn(annuity, "2027-04-08")).toBeNull();
  });

  it("a snooze holds every milestone back until it ends, then sends once", () => {
    const snoozed = { ...annuity, snoozedUntil: "2026-10-05" };
    expect(dueMilestone(snoozed, "2026-10-03", new Set(["30"]))).toBeNull();
    expect(nextRemindOn(snoozed, "2026-10-03")).toBe("2026-10-05");
    expect(dueMilestone(snoozed, "2026-10-05", new Set(["30"]))?.key).toBe("snooze:2026-10-05");
    expect(dueMilestone(snoozed, "2026-10-06", new Set(["snooze:2026-10-05"]))).toBeNull();
    expect(dueMilestone(snoozed, "2026-10-07", new Set(["snooze:2026-10-05"]))?.key).toBe("1");
  });
});
