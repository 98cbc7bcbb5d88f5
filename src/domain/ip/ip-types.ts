// The IP register's vocabulary, shared by the rules (deadlines.ts), the register (chat, import)
// and the reminders. Dates are business dates "YYYY-MM-DD" (Asia/Shanghai); money in whole yuan.

export const ASSET_KINDS = ["PATENT_INVENTION", "PATENT_UTILITY", "PATENT_DESIGN", "TRADEMARK", "COPYRIGHT", "PCT", "CERT_HIGH_TECH", "CERT_GBT29490", "TRADE_FAIR", "INSURANCE"] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export const ASSET_KIND_LABELS: Record<AssetKind, string> = {
  PATENT_INVENTION: "发明专利",
  PATENT_UTILITY: "实用新型专利",
  PATENT_DESIGN: "外观设计专利",
  TRADEMARK: "商标",
  COPYRIGHT: "著作权",
  PCT: "PCT 国际申请",
  CERT_HIGH_TECH: "高新技术企业证书",
  CERT_GBT29490: "GB/T 29490 知识产权管理体系认证",
  TRADE_FAIR: "参展（展会）",
  INSURANCE: "海外知识产权保险",
};

/** What the rules need of an asset (the IpAsset row's fields). */
export interface AssetFacts {
  kind: AssetKind;
  title: string;
  number?: string | null;
  jurisdiction?: string | null;
  filingDate?: string | null;
  priorityDate?: string | null;
  grantDate?: string | null;
  expiryDate?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  annuityPaidYear?: number | null;
  feeReductionPct?: number | null;
  countries?: string | null;
  status?: string | null;
}

export const DEADLINE_KINDS = ["ANNUITY", "PATENT_TERM", "TM_RENEWAL", "PCT_NATIONAL_PHASE", "PRIORITY", "HIGH_TECH_ANNUAL_REPORT", "HIGH_TECH_RENEWAL", "GBT_SURVEILLANCE", "GBT_RENEWAL", "TRADE_FAIR_CHECK", "INSURANCE_RENEWAL"] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

/** One upcoming legal deadline of an asset. */
export interface Deadline {
  kind: DeadlineKind;
  /** What is due, in Chinese, e.g. "第 6 年年费", "商标续展", "进入中国国家阶段（CN）". */
  label: string;
  /** The date the rule gives, before any move off a rest day. */
  nominalDate: string;
  /** The legal deadline: nominalDate, or the next working day when that is a rest day or holiday. */
  dueDate: string;
  /** The last day of the grace period after dueDate (annuities: 6 months; trademark renewal: 6 months), if any. */
  graceEndDate: string | null;
  /** Days before dueDate on which to remind (e.g. [90, 30, 7, 1]; trade fairs [30, 7]; insurance [60, 15]). */
  offsets: number[];
  /** Rule figures for the message, e.g. { year: 6, feeYuan: 1200, payableYuan: 180, reductionPct: 85 }. */
  detail: Record<string, number | string | boolean | null>;
  /** Natural identity within the asset: kind + a stable discriminator (e.g. "ANNUITY:6", "PCT_NATIONAL_PHASE:EP"). */
  key: string;
  /** The standard's clause or the law it implements, for the message ("专利法第四十三条", "7.2.4 b"). */
  basis: string;
}
