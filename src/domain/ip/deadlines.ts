// The IP register's legal deadlines: one entry for every asset kind. Pure: facts and today in,
// upcoming deadlines out. The rules and their sources live in the per-kind modules:
// patent-rules.ts (term, annuities, late fee, restoration, priority), annuity-fees.ts (the official
// schedule), trademark-rules.ts, pct-rules.ts, certificate-rules.ts, event-rules.ts.

import type { WorkingCalendar } from "../calendar/working-days.ts";
import { ValidationError } from "../errors.ts";
import type { PatentKind } from "./annuity-fees.ts";
import { gbt29490Deadlines, highTechDeadlines } from "./certificate-rules.ts";
import { insuranceDeadlines, tradeFairDeadlines } from "./event-rules.ts";
import { addMonths, asDate } from "./ip-dates.ts";
import { ASSET_KINDS, type AssetFacts, type Deadline } from "./ip-types.ts";
import { patentDeadlines, patentTermYears } from "./patent-rules.ts";
import { pctDeadlines } from "./pct-rules.ts";
import { trademarkDeadlines } from "./trademark-rules.ts";

export { annuityLateFee, restorationWindow, type LateFee, type Restoration } from "./patent-rules.ts";
export { DEFAULT_OFFSETS } from "./patent-rules.ts";

export interface DeadlineContext {
  /** The business date "YYYY-MM-DD" (Asia/Shanghai) the deadlines are computed for. */
  today: string;
  calendar: WorkingCalendar;
  /** Per-country PCT national phase months overriding the defaults (e.g. { EP: 31 }). */
  pctMonths?: Readonly<Record<string, number>>;
}

/** Statuses with nothing left to remind of. */
const CLOSED_STATUSES = new Set(["LAPSED", "EXPIRED", "CLOSED"]);

const isPatent = (kind: string): kind is PatentKind => kind === "PATENT_INVENTION" || kind === "PATENT_UTILITY" || kind === "PATENT_DESIGN";

/**
 * The asset's upcoming deadlines as of ctx.today, ordered by due date: a deadline whose due date (or
 * grace period) is not yet over. A patent's next unpaid annuity stays listed after its grace period
 * (detail.lapsed, no reminder offsets) so the register can say it lapsed and restoration is possible.
 * A missing or malformed date yields no deadline for the rule that needs it, never an exception.
 */
export function deadlinesOf(asset: AssetFacts, ctx: DeadlineContext): Deadline[] {
  const today = asDate(ctx.today);
  if (today === null) throw new ValidationError(`日期格式应为 YYYY-MM-DD：${ctx.today}`);
  if (CLOSED_STATUSES.has(String(asset.status ?? "ACTIVE").toUpperCase())) return [];
  const { kind } = asset;
  let out: Deadline[];
  if (isPatent(kind)) out = patentDeadlines({ ...asset, kind }, today, ctx.calendar);
  else if (kind === "TRADEMARK") out = trademarkDeadlines(asset, today, ctx.calendar);
  else if (kind === "PCT") out = pctDeadlines(asset, today, ctx.calendar, ctx.pctMonths);
  else if (kind === "CERT_HIGH_TECH") out = highTechDeadlines(asset, today);
  else if (kind === "CERT_GBT29490") out = gbt29490Deadlines(asset, today);
  else if (kind === "TRADE_FAIR") out = tradeFairDeadlines(asset, today);
  else if (kind === "INSURANCE") out = insuranceDeadlines(asset, today);
  else out = []; // COPYRIGHT: no renewal, no fee (著作权法第二十三条: 50 years, nothing to do)
  return out.sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.key < b.key ? -1 : 1));
}

const GRANT_LABELS: Partial<Record<string, string>> = {
  TRADEMARK: "注册日",
  CERT_HIGH_TECH: "认定（发证）日",
  CERT_GBT29490: "发证日",
  COPYRIGHT: "登记日",
  INSURANCE: "生效日",
};

/**
 * Problems with an asset's facts, in Chinese, for chat re-asks and import row errors ([] = fine):
 * malformed dates, dates out of order, impossible annuity years and fee-reduction ratios, and — when
 * today is given — dates in the future that cannot be.
 */
export function validateAssetFacts(asset: AssetFacts, today?: string): string[] {
  const problems: string[] = [];
  if (!(ASSET_KINDS as readonly string[]).includes(asset.kind)) return [`未知的知识产权类型：${String(asset.kind)}`];
  const kind = asset.kind;
  const filingLabel = kind === "PCT" ? "国际申请日" : "申请日";
  const grantLabel = GRANT_LABELS[kind] ?? "授权日";
  const fields: [keyof AssetFacts, string][] = [
    ["filingDate", filingLabel],
    ["priorityDate", "优先权日"],
    ["grantDate", grantLabel],
    ["expiryDate", "到期日"],
    ["startDate", "开始日期"],
    ["endDate", "结束日期"],
  ];
  const d: Partial<Record<keyof AssetFacts, string>> = {};
  for (const [field, label] of fields) {
    const value = asset[field];
    if (value === null || value === undefined || value === "") continue;
    const date = asDate(typeof value === "string" ? value : String(value));
    if (date === null) problems.push(`${label}不是有效日期（应为 YYYY-MM-DD）：${String(value)}`);
    else d[field] = date;
  }
  if (d.filingDate && d.grantDate && d.grantDate < d.filingDate) problems.push(`${grantLabel}早于${filingLabel}`);
  if (d.priorityDate && d.filingDate) {
    // 12 months (6 for designs and marks), plus the 2 months of priority restoration for
    // inventions, utility models and PCT (细则第三十六条; PCT Rule 26bis.3).
    const months = kind === "PATENT_DESIGN" || kind === "TRADEMARK" ? 6 : 14;
    if (d.priorityDate > d.filingDate) problems.push(`优先权日晚于${filingLabel}`);
    else if (addMonths(d.priorityDate, months) < d.filingDate) problems.push(`优先权日早于${filingLabel}超过 ${months} 个月`);
  }
  if (d.expiryDate && d.grantDate && d.expiryDate < d.grantDate) problems.push(`到期日早于${grantLabel}`);
  if (d.startDate && d.endDate && d.endDate < d.startDate) problems.push("结束日期早于开始日期");
  if (isPatent(kind)) {
    if (d.filingDate && d.filingDate < "1985-04-01") problems.push("申请日早于 1985-04-01（专利法施行日）");
    const term = d.filingDate ? patentTermYears(kind, d.filingDate) : 20;
    const paid = asset.annuityPaidYear;
    if (paid !== null && paid !== undefined && (!Number.isInteger(paid) || paid < 1 || paid > term)) {
      problems.push(`已缴年费年度应为 1–${term} 的整数：${String(paid)}`);
    }
    const pct = asset.feeReductionPct;
    if (pct !== null && pct !== undefined && ![0, 70, 85].includes(pct)) problems.push(`费减比例只能是 0、70 或 85：${String(pct)}`);
  }
  const now = today ? asDate(today) : null;
  if (now) {
    for (const [field, label] of fields.slice(0, 3)) {
      const date = d[field];
      if (date && date > now) problems.push(`${label}晚于今天（${now}）`);
    }
  }
  return problems;
}
