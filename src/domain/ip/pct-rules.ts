// PCT: national (regional) phase entry, per target country, counted from the priority date (PCT
// art. 2(xi): the international filing date when there is no priority).
//
// - China: 30 months, or 32 with the 宽限费 (专利法实施细则第一百二十条); the 32-month date is the
//   graceEndDate. Moved off Chinese rest days (细则第五条).
// - Elsewhere: PCT art. 22/39 set 30 months, and offices may allow more (WIPO PCT Applicant's Guide,
//   national phase time limits); the defaults below are that table's usual values and can be
//   overridden per deployment (ctx.pctMonths) or per asset ("EP:31" in countries). A foreign
//   office's own calendar decides its rest days, so those dates are not moved: the nominal date
//   is the safe one. An unknown country gets 30 months (the PCT minimum) and detail.assumed.

import type { WorkingCalendar } from "../calendar/working-days.ts";
import { PCT_LATE_ENTRY_FEE_YUAN } from "./annuity-fees.ts";
import { addMonths, asDate, moveOffRestDay } from "./ip-dates.ts";
import type { AssetFacts, Deadline } from "./ip-types.ts";
import { DEFAULT_OFFSETS } from "./patent-rules.ts";

export const PCT_NATIONAL_PHASE_MONTHS: Readonly<Record<string, number>> = {
  CN: 30,
  US: 30,
  JP: 30,
  KR: 31,
  EP: 31,
  GB: 31,
  AU: 31,
  CA: 30,
  IN: 31,
  RU: 31,
  EA: 31,
  BR: 30,
  MX: 30,
  SG: 30,
  VN: 31,
  ID: 31,
  TH: 30,
  MY: 30,
  PH: 30,
  ZA: 31,
  NZ: 31,
};
const CN_LATE_MONTHS = 32;
const PCT_MINIMUM_MONTHS = 30;
const ANY = "ANY";

const NAMES: Record<string, string> = {
  中国: "CN", 美国: "US", 日本: "JP", 韩国: "KR", 欧洲: "EP", 欧专局: "EP", 欧洲专利局: "EP", EPO: "EP", 英国: "GB", UK: "GB",
  澳大利亚: "AU", 加拿大: "CA", 印度: "IN", 俄罗斯: "RU", 欧亚: "EA", 巴西: "BR", 墨西哥: "MX", 新加坡: "SG", 越南: "VN",
  印度尼西亚: "ID", 印尼: "ID", 泰国: "TH", 马来西亚: "MY", 菲律宾: "PH", 南非: "ZA", 新西兰: "NZ", 德国: "DE", 法国: "FR",
};

export const COUNTRY_LABELS: Readonly<Record<string, string>> = {
  CN: "中国", US: "美国", JP: "日本", KR: "韩国", EP: "欧洲", GB: "英国", AU: "澳大利亚", CA: "加拿大", IN: "印度", RU: "俄罗斯",
  EA: "欧亚", BR: "巴西", MX: "墨西哥", SG: "新加坡", VN: "越南", ID: "印度尼西亚", TH: "泰国", MY: "马来西亚", PH: "菲律宾",
  ZA: "南非", NZ: "新西兰", DE: "德国", FR: "法国",
};

export interface PctTarget {
  code: string;
  /** An explicit per-asset month count ("EP:31"), if any. */
  months: number | null;
}

/** "CN, EP:31、美国" → CN, EP (31), US. Separators: , ， 、 ; ； whitespace. */
export function parsePctCountries(countries: string | null | undefined): PctTarget[] {
  const out: PctTarget[] = [];
  for (const raw of (countries ?? "").split(/[,，、;；\s]+/)) {
    const m = /^([^:：]+)(?:[:：](\d{1,2}))?$/.exec(raw.trim());
    if (!m || !m[1]) continue;
    const name = m[1].trim();
    const code = NAMES[name] ?? NAMES[name.toUpperCase()] ?? name.toUpperCase();
    if (!out.some((t) => t.code === code)) out.push({ code, months: m[2] ? Number(m[2]) : null });
  }
  return out;
}

export function pctDeadlines(
  asset: AssetFacts,
  today: string,
  calendar: WorkingCalendar,
  overrides: Readonly<Record<string, number>> = {},
): Deadline[] {
  const base = asDate(asset.priorityDate) ?? asDate(asset.filingDate);
  if (base === null) return [];
  const targets = parsePctCountries(asset.countries);
  // No target entered yet: one reminder at the PCT minimum, the earliest any office allows.
  if (targets.length === 0) targets.push({ code: ANY, months: null });
  const out: Deadline[] = [];
  for (const { code, months: explicit } of targets) {
    const known = overrides[code] ?? PCT_NATIONAL_PHASE_MONTHS[code];
    const months = explicit ?? known ?? PCT_MINIMUM_MONTHS;
    const nominalDate = addMonths(base, months);
    const isCn = code === "CN";
    const dueDate = isCn ? moveOffRestDay(nominalDate, calendar) : nominalDate;
    const graceEndDate = isCn && months < CN_LATE_MONTHS ? moveOffRestDay(addMonths(base, CN_LATE_MONTHS), calendar) : null;
    if ((graceEndDate ?? dueDate) < today) continue;
    const name = COUNTRY_LABELS[code] ?? code;
    const label = isCn ? "进入中国国家阶段（CN）" : code === ANY ? "进入国家阶段（30 个月，未填目标国家）" : `进入${name}国家/地区阶段（${code}）`;
    out.push({
      kind: "PCT_NATIONAL_PHASE",
      label,
      nominalDate,
      dueDate,
      graceEndDate,
      offsets: [...DEFAULT_OFFSETS],
      detail: {
        country: code,
        months,
        fromDate: base,
        fromPriority: asDate(asset.priorityDate) !== null,
        assumed: code !== ANY && explicit === null && known === undefined,
        lateEntryFeeYuan: graceEndDate ? PCT_LATE_ENTRY_FEE_YUAN : null,
      },
      key: `PCT_NATIONAL_PHASE:${code}`,
      basis: isCn ? "专利法实施细则第一百二十条" : "专利合作条约第二十二条、第三十九条及该国/地区法",
    });
  }
  return out;
}
