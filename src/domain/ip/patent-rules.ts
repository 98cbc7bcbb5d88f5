// Chinese patents: term, annuities with their grace period and late fee, lapse and restoration.
//
// Boundary decisions (each tested in test/domain/ip-patent-rules.test.ts):
// - Patent year n runs from the (n−1)-th anniversary of the filing date; the annuity of each year
//   after the grant year is due on that anniversary, "申请日在该年的相应日" (细则第一百一十五条: 在上
//   一年度期满前缴纳; CNIPA: 缴费期限届满日即申请日在该年的相应日). Feb 29 → Feb 28 in other years.
// - The due date moves to the next working day when it is a rest day or holiday (细则第五条).
// - The grace period and the late-fee months are counted from the NOMINAL anniversary, not from the
//   moved due date: the conservative reading — a reminder never promises more time or a lower late
//   fee than CNIPA may apply. Only the grace period's last day is moved off a rest day (细则第五条 is
//   about a period's 届满日); intermediate late-fee boundaries are not, for the same reason.
// - Late fee (细则第一百一十五条; 《专利审查指南》第五部分第九章): paid on or before the due date:
//   none; then month k of lateness is (nominal + (k−1) months, nominal + k months] and costs
//   5% × (k − 1) of the FULL annuity: 0% to the end of month 1 ("不足一个月… 不缴纳滞纳金"; exactly one
//   month late is still 0%: "一个月（不含一整月）至两个月（含两个整月）5%"), … 25% in month 6.
// - After the grace period the patent lapses as of the nominal due date (期满未缴纳的，专利权自应当
//   缴纳年费期满之日起终止); restoration (细则第六条第二款) within 2 months of receiving the lapse
//   notice, a mailed one presumed received 15 days after dispatch (细则第四条), electronic ones on the
//   day they reach the applicant's system; fee 1,000 yuan + the annuity + the 25% late fee.
// - The term ends on the day before the filing date's anniversary (申请日 1999-09-06 → 2019-09-05);
//   it is not moved off rest days: it is when the right ends, not a time limit for an act.

import type { WorkingCalendar } from "../calendar/working-days.ts";
import { annuityFee, payableFee, reductionFor, RESTORATION_FEE_YUAN, type PatentKind } from "./annuity-fees.ts";
import { addDays, addMonths, addYears, asDate, moveOffRestDay, validityEnd } from "./ip-dates.ts";
import type { AssetFacts, Deadline } from "./ip-types.ts";

export const DEFAULT_OFFSETS = [90, 30, 7, 1];
const GRACE_MONTHS = 6;
const LATE_FEE_PCT_PER_MONTH = 5;

/** 专利法第四十二条第一款 (2020 amendment, in force 2021-06-01): 20 / 10 / 15 years (designs filed earlier: 10). */
export function patentTermYears(kind: PatentKind, filingDate: string): number {
  if (kind === "PATENT_INVENTION") return 20;
  if (kind === "PATENT_UTILITY") return 10;
  return filingDate >= "2021-06-01" ? 15 : 10;
}

/** The last day of the term: filing 2021-06-01 design → 2036-05-31. */
export function patentTermEnd(kind: PatentKind, filingDate: string): string {
  return validityEnd(filingDate, 12 * patentTermYears(kind, filingDate));
}

/** The patent year (1-based) in which `date` falls. */
export function patentYearOf(filingDate: string, date: string): number {
  let year = Math.max(1, Number(date.slice(0, 4)) - Number(filingDate.slice(0, 4)));
  while (year > 1 && addYears(filingDate, year - 1) > date) year--;
  while (addYears(filingDate, year) <= date) year++;
  return year;
}

/** The nominal due date of year `year`'s annuity: the (year−1)-th anniversary of the filing date. */
export function annuityNominalDate(filingDate: string, year: number): string {
  return addYears(filingDate, year - 1);
}

export interface AnnuityInput {
  kind: PatentKind;
  filingDate: string;
  year: number;
  /** The patent year of the grant (null when unknown: no reduction is applied). */
  grantYear: number | null;
  feeReductionPct?: number | null;
}

/** Year `year`'s annuity as a Deadline, or null when the year is beyond the term or the schedule. */
export function annuityDeadline(input: AnnuityInput, calendar: WorkingCalendar): Deadline | null {
  const { kind, filingDate, year, grantYear } = input;
  const feeYuan = annuityFee(kind, year);
  if (year < 2 || year > patentTermYears(kind, filingDate) || feeYuan === null) return null;
  const nominalDate = annuityNominalDate(filingDate, year);
  const reductionPct = reductionFor(year, grantYear, input.feeReductionPct);
  return {
    kind: "ANNUITY",
    label: `第 ${year} 年年费`,
    nominalDate,
    dueDate: moveOffRestDay(nominalDate, calendar),
    graceEndDate: moveOffRestDay(addMonths(nominalDate, GRACE_MONTHS), calendar),
    offsets: [...DEFAULT_OFFSETS],
    detail: { year, feeYuan, reductionPct, payableYuan: payableFee(feeYuan, reductionPct), grantYear, nominalDueDate: nominalDate },
    key: `ANNUITY:${year}`,
    basis: "专利法第四十三条、专利法实施细则第一百一十五条",
  };
}

export interface LateFee {
  /** 0: paid in time; k = 1…6: paid in the k-th month after the nominal due date (6 also after the grace period). */
  monthsLate: number;
  /** 5% × (monthsLate − 1) of the full annuity. */
  ratePct: number;
  lateFeeYuan: number;
  /** Past the grace period: the patent lapsed as of the nominal due date (restoration needs the 25%). */
  lapsed: boolean;
}

/** The late fee of an ANNUITY deadline if paid on `onDate`. */
export function annuityLateFee(deadline: Deadline, onDate: string): LateFee {
  const feeYuan = Number(deadline.detail.feeYuan ?? 0);
  const result = (monthsLate: number, lapsed: boolean): LateFee => {
    const ratePct = monthsLate <= 1 ? 0 : LATE_FEE_PCT_PER_MONTH * (monthsLate - 1);
    return { monthsLate, ratePct, lateFeeYuan: Math.round((feeYuan * ratePct) / 100), lapsed };
  };
  if (onDate <= deadline.dueDate) return result(0, false);
  const graceEnd = deadline.graceEndDate ?? addMonths(deadline.nominalDate, GRACE_MONTHS);
  if (onDate > graceEnd) return result(GRACE_MONTHS, true);
  for (let k = 1; k < GRACE_MONTHS; k++) {
    if (onDate <= addMonths(deadline.nominalDate, k)) return result(k, false);
  }
  return result(GRACE_MONTHS, false);
}

export interface Restoration {
  /** When the lapse notice counts as received (mail: dispatch + 15 days; electronic / by hand: that day). */
  receivedDate: string;
  /** received + 2 months, before any move off a rest day. */
  nominalLastDay: string;
  /** The last day to request restoration (moved off a rest day when a calendar is given). */
  lastDay: string;
  /** The patent lapsed as of this date (the annuity's nominal due date), when an annuity is given. */
  lapsedAsOf: string | null;
  restorationFeeYuan: number;
  annuityYuan: number;
  lateFeeYuan: number;
  totalYuan: number;
}

/** 细则第六条第二款: restoration within 2 months of receiving the lapse notice (专利权终止通知书). */
export function restorationWindow(
  input: { noticeDate: string; mailed: boolean; annuity?: Deadline | null },
  calendar?: WorkingCalendar,
): Restoration {
  const receivedDate = input.mailed ? addDays(input.noticeDate, 15) : input.noticeDate;
  const nominalLastDay = addMonths(receivedDate, 2);
  const annuity = input.annuity ?? null;
  const annuityYuan = annuity ? Number(annuity.detail.payableYuan ?? annuity.detail.feeYuan ?? 0) : 0;
  const lateFeeYuan = annuity ? Math.round((Number(annuity.detail.feeYuan ?? 0) * LATE_FEE_PCT_PER_MONTH * (GRACE_MONTHS - 1)) / 100) : 0;
  return {
    receivedDate,
    nominalLastDay,
    lastDay: calendar ? moveOffRestDay(nominalLastDay, calendar) : nominalLastDay,
    lapsedAsOf: annuity?.nominalDate ?? null,
    restorationFeeYuan: RESTORATION_FEE_YUAN,
    annuityYuan,
    lateFeeYuan,
    totalYuan: RESTORATION_FEE_YUAN + annuityYuan + lateFeeYuan,
  };
}

/** Paris Convention art. 4C / 专利法第二十九条: 12 months (inventions, utility models), 6 (designs). */
export function priorityMonths(kind: AssetFacts["kind"]): number | null {
  if (kind === "PATENT_INVENTION" || kind === "PATENT_UTILITY") return 12;
  if (kind === "PATENT_DESIGN" || kind === "TRADEMARK") return 6;
  return null;
}

/**
 * The last day to file abroad claiming this Chinese filing's priority: from the priority date when
 * this filing itself claims one, else from its filing date. Not moved off Chinese rest days: the
 * foreign office's own calendar decides (Paris Convention art. 4C(3)), so the nominal date is the safe one.
 */
export function priorityDeadline(asset: AssetFacts, today: string): Deadline | null {
  const months = priorityMonths(asset.kind);
  const base = asDate(asset.priorityDate) ?? asDate(asset.filingDate);
  if (months === null || base === null || (asset.jurisdiction ?? "CN").toUpperCase() !== "CN") return null;
  const nominalDate = addMonths(base, months);
  if (nominalDate < today) return null;
  return {
    kind: "PRIORITY",
    label: `优先权期限（海外申请，${months} 个月）`,
    nominalDate,
    dueDate: nominalDate,
    graceEndDate: null,
    offsets: [...DEFAULT_OFFSETS],
    detail: { months, fromDate: base },
    key: "PRIORITY",
    basis: asset.kind === "TRADEMARK" ? "巴黎公约第四条、商标法第二十五条" : "巴黎公约第四条、专利法第二十九条",
  };
}

/** The patent's upcoming deadlines: the next unpaid annuity (in or past its grace period too), the term's end, the priority year. */
export function patentDeadlines(asset: AssetFacts & { kind: PatentKind }, today: string, calendar: WorkingCalendar): Deadline[] {
  const filingDate = asDate(asset.filingDate);
  if (filingDate === null) return [];
  const kind = asset.kind;
  const out: Deadline[] = [];
  const termEnd = patentTermEnd(kind, filingDate);
  if (termEnd < today) return [];
  const grantDate = asDate(asset.grantDate);
  const grantYear = grantDate !== null && grantDate >= filingDate ? patentYearOf(filingDate, grantDate) : null;
  const paid = Number.isInteger(asset.annuityPaidYear) ? (asset.annuityPaidYear as number) : null;
  // The grant year's annuity is paid at registration (细则第一百一十四条): without a grant, nothing is due yet.
  if (grantYear !== null || paid !== null) {
    const next = Math.max(paid ?? 0, grantYear ?? 0) + 1;
    const annuity = annuityDeadline({ kind, filingDate, year: next, grantYear, feeReductionPct: asset.feeReductionPct }, calendar);
    if (annuity) {
      const late = annuityLateFee(annuity, today);
      if (late.lapsed) annuity.offsets = [];
      Object.assign(annuity.detail, { monthsLate: late.monthsLate, lateFeeYuan: late.lateFeeYuan, lapsed: late.lapsed });
      out.push(annuity);
    }
  }
  out.push({
    kind: "PATENT_TERM",
    label: "专利权期限届满",
    nominalDate: termEnd,
    dueDate: termEnd,
    graceEndDate: null,
    offsets: [...DEFAULT_OFFSETS],
    detail: { termYears: patentTermYears(kind, filingDate), filingDate },
    key: "PATENT_TERM",
    basis: "专利法第四十二条第一款",
  });
  const priority = priorityDeadline(asset, today);
  if (priority) out.push(priority);
  return out;
}
