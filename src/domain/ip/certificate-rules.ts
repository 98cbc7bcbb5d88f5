// Certificates: the national high-tech enterprise qualification and the GB/T 29490 IP-management
// system certificate. Neither deadline is a statutory time limit with a holiday rule, so none is
// moved off a rest day (the reporting system and the certification body's dates don't move): the
// nominal date is the safe one.
//
// 高新技术企业 (《高新技术企业认定管理办法》国科发火〔2016〕32号):
// - valid 3 years from the certificate's issue date (grantDate; 第十二条), last day the day before
//   the third anniversary (2023-12-12 → 2026-12-11), unless expiryDate is entered;
// - annual report (年度发展情况报表) of the previous year by 31 May (第十五条; missing two years
//   cancels the qualification, 第十九条) — for every 31 May from the year after issue while the
//   qualification lasts (2023-12-12: 2024, 2025 and 2026-05-31);
// - re-recognition is a new application (工作指引: 期满后再次申请按初次申请办理): HIGH_TECH_RENEWAL is
//   due on the expiry, first reminded on 1 April of the year it expires (or of the year before when
//   that leaves under 3 months). Why 1 April: provinces take applications in batches from about May to
//   September and issue certificates late in the year, and the application needs the audited R&D
//   expenses of the last three years (the March tax filing closes the year) — April leaves a month
//   to prepare before the first batch opens.
//
// GB/T 29490 (知识产权管理体系认证, CNCA/国家知识产权局 认证实施规则): a certificate of 3 years, a
// surveillance audit within 12 months of issue and then at most 12 months after the previous one,
// and re-certification before expiry. The register holds no audit dates, so audits are assumed held
// on their due dates: surveillance at issue + 12 and + 24 months, GBT_RENEWAL at the expiry.

import { addMonths, asDate, daysBetween, validityEnd } from "./ip-dates.ts";
import type { AssetFacts, Deadline } from "./ip-types.ts";
import { DEFAULT_OFFSETS } from "./patent-rules.ts";

const CERT_MONTHS = 36;

function fixed(kind: Deadline["kind"], label: string, date: string, key: string, basis: string, detail: Deadline["detail"], offsets = DEFAULT_OFFSETS): Deadline {
  return { kind, label, nominalDate: date, dueDate: date, graceEndDate: null, offsets: [...offsets], detail, key, basis };
}

/** 1 April of the expiry year, or of the year before when that is less than 3 months before expiry. */
export function highTechApplyFrom(expiry: string): string {
  const sameYear = `${expiry.slice(0, 4)}-04-01`;
  return sameYear <= addMonths(expiry, -3) ? sameYear : `${Number(expiry.slice(0, 4)) - 1}-04-01`;
}

export function highTechDeadlines(asset: AssetFacts, today: string): Deadline[] {
  const issued = asDate(asset.grantDate);
  if (issued === null) return [];
  const expiry = asDate(asset.expiryDate) ?? validityEnd(issued, CERT_MONTHS);
  if (expiry < today) return [];
  const out: Deadline[] = [];
  for (let year = Math.max(Number(issued.slice(0, 4)) + 1, Number(today.slice(0, 4))); ; year++) {
    const due = `${year}-05-31`;
    if (due > expiry) break;
    if (due < today) continue;
    out.push(fixed("HIGH_TECH_ANNUAL_REPORT", `高企年度发展情况报表（${year - 1} 年度）`, due, `HIGH_TECH_ANNUAL_REPORT:${year}`, "高新技术企业认定管理办法第十五条", { reportYear: year - 1 }));
    break;
  }
  const applyFrom = highTechApplyFrom(expiry);
  const first = daysBetween(applyFrom, expiry);
  out.push(
    fixed("HIGH_TECH_RENEWAL", "高新技术企业重新认定申请", expiry, "HIGH_TECH_RENEWAL", "高新技术企业认定管理办法第十二条", { expiryDate: expiry, applyFrom }, [
      first,
      ...DEFAULT_OFFSETS.filter((d) => d < first),
    ]),
  );
  return out;
}

export function gbt29490Deadlines(asset: AssetFacts, today: string): Deadline[] {
  const issued = asDate(asset.grantDate);
  if (issued === null) return [];
  const expiry = asDate(asset.expiryDate) ?? validityEnd(issued, CERT_MONTHS);
  if (expiry < today) return [];
  const out: Deadline[] = [];
  for (const n of [1, 2]) {
    const due = addMonths(issued, 12 * n);
    if (due >= today && due < expiry) {
      out.push(fixed("GBT_SURVEILLANCE", `GB/T 29490 第 ${n} 次监督审核`, due, `GBT_SURVEILLANCE:${n}`, "知识产权管理体系认证实施规则（监督审核）", { audit: n, certificateDate: issued }));
      break;
    }
  }
  out.push(fixed("GBT_RENEWAL", "GB/T 29490 再认证（证书到期）", expiry, "GBT_RENEWAL", "知识产权管理体系认证实施规则（再认证）", { expiryDate: expiry }));
  return out;
}
