// The CNIPA's official patent annuity (年费) schedule, as data, and the fee-reduction rule.
//
// Source: 国家知识产权局《专利收费、集成电路布图设计收费标准》 (fees set under 细则第一百一十条 by
// 国家发展改革委·财政部, 发改价格〔2017〕270号 and later notices; annuity amounts unchanged since
// 2018-08-01). Design years 11–15 exist since the 2020 专利法 amendment (design term 15 years for
// applications filed from 2021-06-01) and are charged 3,000 yuan a year. Amounts in whole yuan.
//
// Reduction (费减): 《专利收费减缴办法》(财税〔2016〕78号) 第二条、第三条 — 85% for a single
// individual or enterprise that qualifies, 70% for joint owners; 财税〔2019〕45号 extended the
// annuity reduction from the first 6 to the first 10 years counted from the grant year (授予专利权
// 当年起十年内). The reduction never lowers the late fee, which is on the FULL fee (细则第一百一十五条:
// "加收当年全额年费的5%").

import type { AssetKind } from "./ip-types.ts";

export type PatentKind = Extract<AssetKind, "PATENT_INVENTION" | "PATENT_UTILITY" | "PATENT_DESIGN">;

interface Band {
  from: number;
  to: number;
  yuan: number;
}

export const ANNUITY_BANDS: Record<PatentKind, readonly Band[]> = {
  PATENT_INVENTION: [
    { from: 1, to: 3, yuan: 900 },
    { from: 4, to: 6, yuan: 1200 },
    { from: 7, to: 9, yuan: 2000 },
    { from: 10, to: 12, yuan: 4000 },
    { from: 13, to: 15, yuan: 6000 },
    { from: 16, to: 20, yuan: 8000 },
  ],
  PATENT_UTILITY: [
    { from: 1, to: 3, yuan: 600 },
    { from: 4, to: 5, yuan: 900 },
    { from: 6, to: 8, yuan: 1200 },
    { from: 9, to: 10, yuan: 2000 },
  ],
  PATENT_DESIGN: [
    { from: 1, to: 3, yuan: 600 },
    { from: 4, to: 5, yuan: 900 },
    { from: 6, to: 8, yuan: 1200 },
    { from: 9, to: 10, yuan: 2000 },
    { from: 11, to: 15, yuan: 3000 },
  ],
};

/** The full annuity of patent year `year`, or null beyond the schedule. */
export function annuityFee(kind: PatentKind, year: number): number | null {
  return ANNUITY_BANDS[kind].find((b) => year >= b.from && year <= b.to)?.yuan ?? null;
}

/** 财税〔2019〕45号: the reduction covers patent years grantYear … grantYear + 9. */
export const REDUCTION_YEARS = 10;
export const REDUCTION_PCTS = [70, 85] as const;

/** The reduction that applies to `year`: the enterprise's 70 or 85 within the 10-year window, else 0. */
export function reductionFor(year: number, grantYear: number | null, feeReductionPct: number | null | undefined): number {
  if (grantYear === null || !REDUCTION_PCTS.includes(feeReductionPct as 70 | 85)) return 0;
  return year >= grantYear && year < grantYear + REDUCTION_YEARS ? (feeReductionPct as number) : 0;
}

/** payable = fee × (100 − pct) / 100 (every schedule amount × 15% or 30% is a whole yuan). */
export function payableFee(feeYuan: number, reductionPct: number): number {
  return Math.round((feeYuan * (100 - reductionPct)) / 100);
}

/** 恢复权利请求费 (细则第六条第三款; fee schedule: 1,000 yuan). */
export const RESTORATION_FEE_YUAN = 1000;
/** 宽限费 for entering the Chinese national phase in months 31–32 (细则第一百二十条; fee schedule: 1,000 yuan). */
export const PCT_LATE_ENTRY_FEE_YUAN = 1000;
