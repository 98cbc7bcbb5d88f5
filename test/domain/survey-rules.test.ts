import { describe, expect, it } from "vitest";
import { fatigueAllows, followUpDueOn, followUpStep, isLowScore, lowScoreReasons, remindersDue, surveyExpiresAt, surveySendableAt } from "../../src/domain/surveys/survey-rules.ts";
import { createChineseWorkingCalendar } from "../../src/jobs/chinese-calendar.ts";

const cal = createChineseWorkingCalendar();
const TZ = "Asia/Shanghai";
const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+08:00`);

describe("[8.1] when a survey goes out", () => {
  it("[8.1] the delay later, moved into office hours on a working day (not at night, not on a holiday)", () => {
    const s = { delayMinutes: 60 };
    expect(surveySendableAt(at("2026-10-12", "10:00"), s, cal, TZ)).toEqual(at("2026-10-12", "11:00"));
    expect(surveySendableAt(at("2026-10-12", "16:59"), s, cal, TZ)).toEqual(at("2026-10-12", "17:59"));
    expect(surveySendableAt(at("2026-10-12", "17:30"), s, cal, TZ)).toEqual(at("2026-10-13", "09:00")); // 18:30 is after hours
    expect(surveySendableAt(at("2026-10-12", "07:00"), s, cal, TZ)).toEqual(at("2026-10-12", "09:00")); // 08:00 is before hours
    expect(surveySendableAt(at("2026-09-30", "17:30"), s, cal, TZ)).toEqual(at("2026-10-08", "09:00")); // National Day holiday
    expect(surveySendableAt(at("2026-10-09", "17:30"), s, cal, TZ)).toEqual(at("2026-10-10", "09:00")); // a make-up working Saturday
    expect(surveySendableAt(at("2026-10-12", "10:00"), { delayMinutes: 0 }, cal, TZ)).toEqual(at("2026-10-12", "10:00"));
  });

  it("[8.1] fatigue cap: one survey per enterprise per 7 days; 0 switches it off", () => {
    const sent = at("2026-10-08", "09:00");
    expect(fatigueAllows(null, at("2026-10-08"), { fatigueDays: 7 })).toBe(true);
    expect(fatigueAllows(sent, at("2026-10-15", "08:59"), { fatigueDays: 7 })).toBe(false);
    expect(fatigueAllows(sent, at("2026-10-15", "09:00"), { fatigueDays: 7 })).toBe(true);
    expect(fatigueAllows(sent, at("2026-10-08", "09:01"), { fatigueDays: 0 })).toBe(true);
    expect(surveyExpiresAt(sent, { expiryDays: 7 })).toEqual(at("2026-10-15", "09:00"));
  });

  it("[8.1] reminders after 1 and 3 working days, counted in business dates", () => {
    const sent = at("2026-10-08", "17:00"); // Thursday after the holiday
    expect(remindersDue(sent, at("2026-10-08", "17:59"), cal, TZ)).toBe(0);
    expect(remindersDue(sent, at("2026-10-09", "09:00"), cal, TZ)).toBe(1);
    expect(remindersDue(sent, at("2026-10-10", "09:00"), cal, TZ)).toBe(1); // make-up Saturday: day 2
    expect(remindersDue(sent, at("2026-10-11", "09:00"), cal, TZ)).toBe(1); // Sunday
    expect(remindersDue(sent, at("2026-10-12", "09:00"), cal, TZ)).toBe(2);
    expect(remindersDue(sent, at("2026-10-30", "09:00"), cal, TZ)).toBe(2);
  });
});

describe("[8.2] follow-ups", () => {
  it("[8.2] any 1–5 score ≤ 2 or a recommendation ≤ 6 is low", () => {
    const ok = { overall: 3, timeliness: 3, professionalism: 3, recommend: 7 };
    expect(isLowScore(ok)).toBe(false);
    for (const k of ["overall", "timeliness", "professionalism"] as const) expect(isLowScore({ ...ok, [k]: 2 })).toBe(true);
    expect(isLowScore({ ...ok, recommend: 6 })).toBe(true);
    expect(lowScoreReasons({ overall: 2, timeliness: 5, professionalism: 1, recommend: 9 })).toEqual(["整体满意度 2/5", "专业性 1/5"]);
  });

  it("[8.2] due in 5 working days: reminded on the due day, escalated the working day after, each once", () => {
    expect(followUpDueOn("2026-09-30", { followUpWorkingDays: 5 }, cal)).toBe("2026-10-13"); // 10-08, 09, 10 (Sat, make-up), 12, 13
    const f = { dueOn: "2026-10-13", remindedAt: null, escalatedAt: null };
    expect(followUpStep(f, "2026-10-12", cal)).toBeNull();
    expect(followUpStep(f, "2026-10-13", cal)).toBe("remind");
    expect(followUpStep({ ...f, remindedAt: new Date() }, "2026-10-13", cal)).toBeNull();
    expect(followUpStep(f, "2026-10-18", cal)).toBeNull(); // Sunday: nothing on a day off
    expect(followUpStep(f, "2026-10-14", cal)).toBe("escalate");
    expect(followUpStep({ ...f, escalatedAt: new Date() }, "2026-10-19", cal)).toBeNull();
  });
});
