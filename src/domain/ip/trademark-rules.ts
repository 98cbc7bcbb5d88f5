// Trademarks: the renewal (续展) deadline, its 12-month window and 6-month grace period (宽展期).
//
// - Validity: 10 years from registration (商标法第三十九条: 自核准注册之日起计算), the last day being
//   the day before the corresponding day, or the month's last day when there is none (商标法实施条例
//   第十二条第二款): registered 2016-05-07 → valid to 2026-05-06. An entered expiryDate wins.
// - Renewal: within the 12 months before expiry (商标法第四十条), so the window opens on the day after
//   the same date a year earlier: expiry 2026-05-06 → from 2025-05-07.
// - The expiry is NOT moved off a rest day: 条例第十二条第一款's holiday rule expressly excludes the
//   validity of 第二款. The 6-month grace period is an ordinary period (第一款): expiry + 6 months,
//   moved to the next working day. For a mark abroad no Chinese holiday moves anything.
// - Each renewal runs 10 years from the day after the previous expiry (商标法第四十条). A past expiry
//   whose grace period is over is assumed renewed (the register says the mark is still ACTIVE): the
//   next term is shown, with detail.assumedRenewed.

import type { WorkingCalendar } from "../calendar/working-days.ts";
import { addDays, addMonths, asDate, daysBetween, moveOffRestDay, validityEnd } from "./ip-dates.ts";
import type { AssetFacts, Deadline } from "./ip-types.ts";
import { DEFAULT_OFFSETS, priorityDeadline } from "./patent-rules.ts";

const TERM_MONTHS = 120;
const WINDOW_MONTHS = 12;
const GRACE_MONTHS = 6;

export function trademarkExpiry(registrationDate: string): string {
  return validityEnd(registrationDate, TERM_MONTHS);
}

export function renewalWindowOpens(expiry: string): string {
  return addMonths(addDays(expiry, 1), -WINDOW_MONTHS);
}

export function trademarkGraceEnd(expiry: string, domestic: boolean, calendar: WorkingCalendar): string {
  const nominal = addMonths(expiry, GRACE_MONTHS);
  return domestic ? moveOffRestDay(nominal, calendar) : nominal;
}

export function trademarkDeadlines(asset: AssetFacts, today: string, calendar: WorkingCalendar): Deadline[] {
  const out: Deadline[] = [];
  const priority = priorityDeadline(asset, today);
  const registered = asDate(asset.grantDate);
  let expiry = asDate(asset.expiryDate) ?? (registered ? trademarkExpiry(registered) : null);
  if (expiry !== null) {
    const domestic = (asset.jurisdiction ?? "CN").toUpperCase() === "CN";
    let renewals = 0;
    while (trademarkGraceEnd(expiry, domestic, calendar) < today && renewals < 100) {
      expiry = validityEnd(addDays(expiry, 1), TERM_MONTHS);
      renewals++;
    }
    const opens = renewalWindowOpens(expiry);
    const windowOffset = daysBetween(opens, expiry);
    out.push({
      kind: "TM_RENEWAL",
      label: "商标续展",
      nominalDate: expiry,
      dueDate: expiry,
      graceEndDate: trademarkGraceEnd(expiry, domestic, calendar),
      // The first reminder on the day the window opens: renewing early costs nothing.
      offsets: [windowOffset, ...DEFAULT_OFFSETS.filter((d) => d < windowOffset)],
      detail: { expiryDate: expiry, windowOpens: opens, assumedRenewed: renewals > 0, domestic },
      key: "TM_RENEWAL",
      basis: domestic ? "商标法第三十九条、第四十条，商标法实施条例第十二条" : "商标法第四十条（境外商标以当地法为准）",
    });
  }
  if (priority) out.push(priority);
  return out;
}
