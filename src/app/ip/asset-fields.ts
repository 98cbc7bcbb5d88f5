// The register's fields per asset kind: one table shared by the chat flow's completion, the
// import's columns and the template, so the three ways of entering an asset agree on what each
// kind needs. Pure: no prisma, no hono.
import { ASSET_KIND_LABELS, ASSET_KINDS, type AssetFacts, type AssetKind } from "../../domain/ip/ip-types.ts";
import { validateAssetFacts } from "../../domain/ip/deadlines.ts";
import { parseDateText } from "../../flows/validators.ts";
import type { AssetRow } from "../../storage/ip-assets.ts";

/** What the register stores of one asset (the IpAsset row's editable fields; the natural key is derived). */
export type AssetInput = Omit<AssetRow, "kind" | "naturalKey"> & { kind: AssetKind };
export type AssetField = Exclude<keyof AssetInput, "kind">;
export const COMPARED_FIELDS: AssetField[] = ["title", "number", "jurisdiction", "filingDate", "priorityDate", "grantDate", "expiryDate", "startDate", "endDate", "annuityPaidYear", "feeReductionPct", "isHighValue", "tmClass", "countries", "insurer"];

type FieldType = "text" | "date" | "year" | "pct" | "bool" | "jurisdiction";
/** One column of the template / import, in sheet order. */
export interface Column {
  field: AssetField;
  header: string;
  type: FieldType;
  /** What goes in it, for the instructions sheet. */
  note: string;
}
export const KIND_HEADER = "类型";
export const COLUMNS: Column[] = [
  { field: "title", header: "名称", type: "text", note: "专利名称、商标、作品名称、展会名称；证书和保险可留空" },
  { field: "number", header: "编号", type: "text", note: "申请号、注册号、登记号、证书编号或保单号" },
  { field: "filingDate", header: "申请日", type: "date", note: "专利申请日；PCT 国际申请日" },
  { field: "priorityDate", header: "优先权日", type: "date", note: "PCT：最早优先权日（可空）" },
  { field: "grantDate", header: "授权/注册/认定日", type: "date", note: "专利授权公告日（可空）；商标注册日；著作权登记日；证书认定（发证）日" },
  { field: "expiryDate", header: "到期日", type: "date", note: "商标有效期至（可空，按注册日起 10 年）；保险到期日" },
  { field: "startDate", header: "开始日期", type: "date", note: "展会开始日期" },
  { field: "endDate", header: "结束日期", type: "date", note: "展会结束日期" },
  { field: "annuityPaidYear", header: "已缴年费至第几年", type: "year", note: "专利：已缴年费的最后一个专利年度（自申请日起第 1 年起算，可空）" },
  { field: "feeReductionPct", header: "费减比例", type: "pct", note: "专利：0、70 或 85（%），空为 0" },
  { field: "isHighValue", header: "高价值专利", type: "bool", note: "专利：是 / 否，空为否（3.2）" },
  { field: "tmClass", header: "商标类别", type: "text", note: "尼斯分类，如 9 或 9,35" },
  { field: "jurisdiction", header: "注册地", type: "jurisdiction", note: "商标：境内填 CN 或留空；境外填国家或地区，如 US、欧盟" },
  { field: "countries", header: "国家/地区", type: "text", note: "PCT 拟进入的国家；展会所在国家（多个用逗号分隔）" },
  { field: "insurer", header: "保险公司", type: "text", note: "海外知识产权保险的承保公司" },
];
export const HEADERS = [KIND_HEADER, ...COLUMNS.map((c) => c.header)];
export const columnOf = (field: AssetField) => COLUMNS.find((c) => c.field === field)!;

const PATENT: AssetKind[] = ["PATENT_INVENTION", "PATENT_UTILITY", "PATENT_DESIGN"];
export const isPatent = (k: AssetKind) => PATENT.includes(k);

/** Per kind: the fields it needs (required) and may have (optional); the rest are not applicable. */
export const KIND_FIELDS: Record<AssetKind, { required: AssetField[]; optional: AssetField[] }> = {
  PATENT_INVENTION: { required: ["title", "number", "filingDate"], optional: ["grantDate", "annuityPaidYear", "feeReductionPct", "isHighValue"] },
  PATENT_UTILITY: { required: ["title", "number", "filingDate"], optional: ["grantDate", "annuityPaidYear", "feeReductionPct", "isHighValue"] },
  PATENT_DESIGN: { required: ["title", "number", "filingDate"], optional: ["grantDate", "annuityPaidYear", "feeReductionPct", "isHighValue"] },
  TRADEMARK: { required: ["title", "number", "tmClass", "grantDate"], optional: ["expiryDate", "jurisdiction"] },
  COPYRIGHT: { required: ["title", "number", "grantDate"], optional: [] },
  PCT: { required: ["title", "number", "filingDate", "countries"], optional: ["priorityDate"] },
  CERT_HIGH_TECH: { required: ["number", "grantDate"], optional: ["title"] },
  CERT_GBT29490: { required: ["number", "grantDate"], optional: ["title"] },
  TRADE_FAIR: { required: ["title", "startDate", "endDate", "countries"], optional: [] },
  INSURANCE: { required: ["insurer", "number", "expiryDate"], optional: ["title"] },
};

/** One example row per kind for the template (fictitious numbers). */
export const EXAMPLES: Partial<Record<AssetKind, Partial<Record<AssetField, string>>>> = {
  PATENT_INVENTION: { title: "一种节能灯具控制方法", number: "202110123456.7", filingDate: "2021-03-15", grantDate: "2023-08-01", annuityPaidYear: "3", feeReductionPct: "85", isHighValue: "是" },
  PATENT_UTILITY: { title: "一种可折叠灯架", number: "202220234567.8", filingDate: "2022-05-10", grantDate: "2022-11-18", feeReductionPct: "70", isHighValue: "否" },
  PATENT_DESIGN: { title: "吸顶灯（星环）", number: "202130345678.9", filingDate: "2021-06-01", grantDate: "2021-12-03" },
  TRADEMARK: { title: "榄盛", number: "45678901", tmClass: "11", grantDate: "2020-12-14", jurisdiction: "CN" },
  COPYRIGHT: { title: "灯具控制系统 V1.0", number: "2023SR0123456", grantDate: "2023-02-20" },
  PCT: { title: "一种节能灯具控制方法", number: "PCT/CN2022/123456", filingDate: "2022-03-14", priorityDate: "2021-03-15", countries: "US,EP,JP" },
  CERT_HIGH_TECH: { number: "GR202344001234", grantDate: "2023-12-28" },
  CERT_GBT29490: { number: "18123IP0456R0M", grantDate: "2024-04-10" },
  TRADE_FAIR: { title: "法兰克福国际照明展", startDate: "2026-03-08", endDate: "2026-03-13", countries: "DE" },
  INSURANCE: { insurer: "中国人民财产保险股份有限公司", number: "PICC-IP-2026-0001", expiryDate: "2027-01-31" },
};

const squash = (s: string) => s.normalize("NFKC").replace(/\s+/g, "").toLowerCase();
const KIND_WORDS = new Map<string, AssetKind>([
  ...ASSET_KINDS.flatMap((k) => [[squash(k), k], [squash(ASSET_KIND_LABELS[k]), k]] as [string, AssetKind][]),
  ...(
    [
      ["发明", "PATENT_INVENTION"], ["实用新型", "PATENT_UTILITY"], ["外观设计", "PATENT_DESIGN"], ["外观", "PATENT_DESIGN"], ["注册商标", "TRADEMARK"],
      ["版权", "COPYRIGHT"], ["软件著作权", "COPYRIGHT"], ["软著", "COPYRIGHT"], ["pct", "PCT"], ["pct申请", "PCT"], ["高新技术企业", "CERT_HIGH_TECH"], ["高企", "CERT_HIGH_TECH"],
      ["gb/t29490", "CERT_GBT29490"], ["知识产权管理体系认证", "CERT_GBT29490"], ["贯标", "CERT_GBT29490"], ["展会", "TRADE_FAIR"], ["参展", "TRADE_FAIR"], ["保险", "INSURANCE"],
    ] as [string, AssetKind][]
  ).map(([w, k]) => [squash(w), k] as [string, AssetKind]),
]);
export const kindOf = (text: string): AssetKind | null => KIND_WORDS.get(squash(text)) ?? null;

export const JURISDICTION_DOMESTIC = "CN";
/** 境内 / 中国 / CN / blank → CN; anything else is the country as written. */
export function jurisdictionOf(text: string): string {
  const t = text.normalize("NFKC").trim();
  return !t || ["cn", "中国", "境内", "国内", "中国大陆"].includes(t.toLowerCase()) ? JURISDICTION_DOMESTIC : t.slice(0, 60);
}

export interface FieldProblem {
  field: AssetField | "kind";
  message: string;
}

/** A cell's or an answer's value for `field`, parsed; a problem (in Chinese) when it cannot be. */
export function parseValue(type: FieldType, raw: string): { value: AssetInput[AssetField] } | { problem: string } {
  const t = raw.normalize("NFKC").trim();
  switch (type) {
    case "date": {
      const d = parseDateText(t) ?? excelSerialDate(t);
      return d ? { value: d } : { problem: `“${raw.slice(0, 20)}”不是有效日期，应如 2021-06-01` };
    }
    case "year": {
      const n = /^第?(\d{1,2})年?$/.exec(t);
      return n && Number(n[1]) >= 1 && Number(n[1]) <= 20 ? { value: Number(n[1]) } : { problem: `应为 1–20 的专利年度，如 3（得到“${raw.slice(0, 20)}”）` };
    }
    case "pct": {
      const n = /^(\d{1,2})%?$/.exec(t);
      return n && [0, 70, 85].includes(Number(n[1])) ? { value: Number(n[1]) } : { problem: `费减比例只能是 0、70 或 85（得到“${raw.slice(0, 20)}”）` };
    }
    case "bool": {
      const w = t.toLowerCase();
      if (["是", "y", "yes", "true", "1", "高价值"].includes(w)) return { value: true };
      if (["否", "n", "no", "false", "0", "不是"].includes(w)) return { value: false };
      return { problem: `应填“是”或“否”（得到“${raw.slice(0, 20)}”）` };
    }
    case "jurisdiction":
      return { value: jurisdictionOf(t) };
    default: // names keep their own punctuation (NFKC would turn ， into ,)
      return raw.trim().length > 200 ? { problem: "太长了（最多 200 个字）" } : { value: raw.trim() };
  }
}

/** A spreadsheet's date serial (days since 1899-12-30), as a date cell in a text column reads: 44270 → 2021-03-15. */
function excelSerialDate(t: string): string | null {
  const n = /^(\d{5})(?:\.0+)?$/.exec(t);
  if (!n || Number(n[1]) < 20000 || Number(n[1]) > 80000) return null;
  return new Date(Date.UTC(1899, 11, 30) + Number(n[1]) * 86_400_000).toISOString().slice(0, 10);
}

const EMPTY: Omit<AssetInput, "kind"> = {
  title: "", number: null, jurisdiction: JURISDICTION_DOMESTIC, filingDate: null, priorityDate: null, grantDate: null, expiryDate: null,
  startDate: null, endDate: null, annuityPaidYear: null, feeReductionPct: null, isHighValue: false, tmClass: null, countries: null, insurer: null,
};

/**
 * An asset of `kind` from raw values by field (a sheet row's cells, chat answers as text): the
 * kind's fields only (others are ignored), each parsed, the required ones present, then the
 * rules' checks (validateAssetFacts; `today` adds "not in the future"). Either the input or the problems, never both.
 */
export function buildAsset(kind: AssetKind, raw: Partial<Record<AssetField, string | number | boolean | null>>, today?: string): { input: AssetInput; problems: [] } | { input: null; problems: FieldProblem[] } {
  const spec = KIND_FIELDS[kind];
  const input: AssetInput = { kind, ...EMPTY };
  const problems: FieldProblem[] = [];
  for (const field of [...spec.required, ...spec.optional]) {
    const v = raw[field];
    const text = v === null || v === undefined ? "" : typeof v === "boolean" ? (v ? "是" : "否") : String(v);
    if (!text.trim()) {
      if (spec.required.includes(field)) problems.push({ field, message: `${columnOf(field).header}必填` });
      continue;
    }
    const r = parseValue(columnOf(field).type, text);
    if ("problem" in r) problems.push({ field, message: r.problem });
    else (input as unknown as Record<string, unknown>)[field] = r.value;
  }
  if (isPatent(kind) && input.feeReductionPct === null) input.feeReductionPct = 0;
  if (input.number) input.number = normalizeNumber(input.number);
  if (input.tmClass) input.tmClass = input.tmClass.normalize("NFKC").replace(/\s+/g, "");
  if (!input.title) input.title = kind === "INSURANCE" && input.insurer ? `${input.insurer} 海外知识产权保险` : ASSET_KIND_LABELS[kind];
  // The rules' own checks (dates out of order or in the future, impossible annuity years).
  if (problems.length === 0) problems.push(...validateAssetFacts(factsOf(input), today).map((message) => ({ field: fieldOfProblem(message), message })));
  return problems.length > 0 ? { input: null, problems } : { input, problems: [] };
}

/** The column a rule's problem is about, by the label it starts with ("结束日期早于开始日期" → 结束日期). */
const PROBLEM_FIELDS: [RegExp, AssetField][] = [
  [/^(国际)?申请日/, "filingDate"],
  [/^优先权日/, "priorityDate"],
  [/^(注册日|认定（发证）日|发证日|登记日|生效日|授权日)/, "grantDate"],
  [/^到期日/, "expiryDate"],
  [/^开始日期/, "startDate"],
  [/^结束日期/, "endDate"],
  [/^已缴年费/, "annuityPaidYear"],
  [/^费减比例/, "feeReductionPct"],
];
export const fieldOfProblem = (message: string): AssetField | "kind" => PROBLEM_FIELDS.find(([re]) => re.test(message))?.[1] ?? "kind";

/** Numbers as written on certificates vary in spacing, case and the ZL prefix of granted patents. */
export function normalizeNumber(n: string): string {
  return n.normalize("NFKC").replace(/\s+/g, "").toUpperCase().slice(0, 100);
}

/** Same asset, same key: the kind and its number, else (trade fairs) its name and start date. */
export function naturalKeyOf(a: AssetInput): string {
  if (a.number) return `${a.kind}:${isPatent(a.kind) ? a.number.replace(/^ZL/, "") : a.number}`;
  return `${a.kind}:${squash(a.title)}@${a.startDate ?? ""}`;
}

/** What the rules module reads of an asset. */
export function factsOf(a: AssetInput & { status?: string | null }): AssetFacts {
  return {
    kind: a.kind, title: a.title, number: a.number, jurisdiction: a.jurisdiction, filingDate: a.filingDate, priorityDate: a.priorityDate, grantDate: a.grantDate,
    expiryDate: a.expiryDate, startDate: a.startDate, endDate: a.endDate, annuityPaidYear: a.annuityPaidYear, feeReductionPct: a.feeReductionPct, countries: a.countries, status: a.status ?? "ACTIVE",
  };
}
