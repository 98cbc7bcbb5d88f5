// What people type on a phone: full-width characters from Chinese IMEs, unit suffixes,
// yes/no words, "1、3、5" selections and labels typed instead of numbers.
import { chineseDigitString, NUMERAL_CHARS, parseChineseNumber } from "./chinese-number.ts";

/** Full-width ASCII (U+FF01–FF5E) and the ideographic space → half-width. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) =>
    ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

/** Only digits, letters and spaces: free text keeps its Chinese punctuation (，（）). */
export function toHalfWidthAlnum(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\u3000]/g, (ch) =>
    ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0),
  );
}

export function collapseSpaces(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Free-text answers (names, addresses). */
export function normalizeText(s: string): string {
  return collapseSpaces(toHalfWidthAlnum(s));
}

const TRAILING_PUNCT = /[.。!！~～,，;；]+$/;

/** Short replies (commands, yes/no, choices): half-width, lower case, no trailing punctuation. */
export function normalizeWord(s: string): string {
  return collapseSpaces(toHalfWidth(s)).toLowerCase().replace(TRAILING_PUNCT, "").trim();
}

const YES_WORDS = ["是", "是的", "是滴", "有", "有的", "对", "对的", "好", "好的", "确认", "确定", "同意", "可以", "嗯", "y", "yes", "ok", "1", "√"];
const NO_WORDS = ["否", "不是", "没有", "无", "不", "没", "不对", "不要", "n", "no", "2", "×"];
/** Words meaning "nothing to fill in" for optional fields and counts. */
const NONE_WORDS = ["无", "没有", "暂无", "没", "未", "none", "nil", "-"];
/** Not an answer but a doubt: never read as "no". */
const DONT_KNOW_RE = /^(不知道|不清楚|不确定|不太清楚|不太确定|不记得|不晓得|不一定|说不准|不好说|不懂|不太懂|不明白|不太明白|不了解|忘了|搞不清)/;
/** Leading words that carry no yes/no: "我们公司是…", "目前还没有…". */
const LEAD_FILLER_RE = /^(我们公司|我们企业|我们|我司|本公司|公司|企业|目前|现在|暂时|应该|当然|肯定|还|尚且)+/;
const NEG_LEAD_RE = /^(不是|不属于|不|没有|没|未|无|否|非|尚未|暂无|暂未|还没|还未)/;
const YES_LEAD_RE = /^(是|对|有|已|嗯|好|确认|属于|列入|入选|纳入|设有|设立|成立|通过|获得|拿过)/;

/** The first clause of "不是，是我" / "有，叫知识产权部": the yes/no, the rest explains it. */
const firstClause = (w: string) => w.split(/[,，。;；!！?？\s]/)[0] ?? w;

export function parseYesNo(text: string, extra?: { yes?: string[]; no?: string[] }): boolean | null {
  const w = normalizeWord(text);
  const exact = (x: string): boolean | null => {
    if (YES_WORDS.includes(x) || extra?.yes?.some((y) => normalizeWord(y) === x)) return true;
    if (NO_WORDS.includes(x) || extra?.no?.some((y) => normalizeWord(y) === x)) return false;
    return null;
  };
  const whole = exact(w);
  if (whole !== null || w === "") return whole;
  const first = firstClause(w);
  if (DONT_KNOW_RE.test(first)) return null;
  const head = exact(first);
  if (head !== null) return head;
  // The step's own words inside a longer reply ("联系人同负责人", "另有其人"), negated ones first.
  if (extra?.no?.some((y) => first.includes(normalizeWord(y)))) return false;
  const core = first.replace(LEAD_FILLER_RE, "");
  if (NEG_LEAD_RE.test(core)) return false;
  if (extra?.yes?.some((y) => first.includes(normalizeWord(y)))) return true;
  if (core !== "" && YES_LEAD_RE.test(core)) return true;
  return null;
}

export function isNoneWord(text: string): boolean {
  return NONE_WORDS.includes(normalizeWord(text));
}

/**
 * "没有", "还没有", "未认证", "还没有认证", "一件都没有", "暂时没有": nothing to fill in. No digits
 * (so "没有2019年的" is not one) and never a doubt ("不知道").
 */
export function isNegation(text: string): boolean {
  const w = normalizeWord(text);
  if (isNoneWord(w)) return true;
  if (/\d/.test(w) || w === "" || DONT_KNOW_RE.test(w)) return false;
  const core = w.replace(LEAD_FILLER_RE, "");
  if (/^(一[件个项家位人名]?)?(都|也)?没(有)?$/.test(core) || /^(一[件个项家位人名])(都|也)没有?/.test(core)) return true;
  // "不到十个" is a number, not a negation.
  if (/[零〇一二两三四五六七八九十百千万亿]/.test(core)) return false;
  return isNoneWord(core) || /^(没有|没|未|无|暂无|尚未|暂未|还没|还未|不是|不|否|非)/.test(core);
}

/** An optional multiplier (亿/万) then an optional unit: "1.2万人", "500万元", "1.2亿". */
const UNIT_RE = /(元|人|名|件|个|项|家|位|台|种)$/;
const APPROX_LEAD_RE = /^(大约|大概|约莫|约|差不多|将近|接近|近|目前|现在|现有|共有|一共|总共|合计|共|有|我们有|公司有|全公司|全厂|人民币)+/;
const APPROX_TAIL_RE = /(左右|上下|以上|之多|多|余|来|人民币)$/;
const NUMERAL_ONLY = new RegExp(`^[${NUMERAL_CHARS}]+$`);

/**
 * "500万元" → 500 on a 万元 field; "1,200.5" → 1200.5; "1.2亿" → 12000 (万元);
 * "5000000元" → 500 (万元); "1.2万人" → 12000 on a count field; "三百人" → 300; "两千五" → 2500;
 * "一万二" → 12000 (1.2 on a 万元 field: 万 and 亿 count in yuan there); "300人左右" → 300.
 * Null if not a number.
 */
export function parseNumberText(text: string, unit?: string): number | null {
  let s = toHalfWidth(text).replace(/\s+/g, "").replace(APPROX_LEAD_RE, "");
  let yuan = false;
  for (let i = 0; i < 3; i++) {
    s = s.replace(APPROX_TAIL_RE, "");
    const u = UNIT_RE.exec(s);
    if (u) {
      yuan ||= u[1] === "元";
      s = s.slice(0, u.index);
    }
  }
  // "三千多万": an approximation inside the number.
  s = s.replace(/(?<=[0-9零〇一二两三四五六七八九十百千])(多|余)(?=[万亿])/, "");
  const negative = s.startsWith("-");
  if (negative) s = s.slice(1);
  if (s === "") return null;
  // Thousands separators only where they group by three ("1,200" yes, "1,2" no).
  if (s.includes(",")) {
    if (!/^\d{1,3}(,\d{3})+(\.\d+)?([万亿]?)$/.test(s)) return null;
    s = s.replace(/,/g, "");
  }
  if (!NUMERAL_ONLY.test(s)) return null;
  const n = /^\d+(\.\d+)?$/.test(s) ? Number(s) : parseChineseNumber(s);
  if (n === null || !Number.isFinite(n)) return null;
  const big = /[万萬亿]/.test(s);
  const factor = unit === "万元" && (big || yuan) ? 1 / 10_000 : 1;
  // Round away float noise such as 1.1 * 10000 = 11000.000000000002.
  return Math.round((negative ? -n : n) * factor * 1e6) / 1e6;
}

/**
 * A year in what was typed: "2015", "２０１５年", "2019年3月", "2019.3", "二〇一九年", "大概2019年吧";
 * with `nowYear`, also "18年" (2018), 今年/去年/前年 and "三年前". Null when there is none or two different ones.
 */
export function parseYearText(text: string, nowYear?: number): number | null {
  const s = toHalfWidth(text).replace(/\s+/g, "");
  const years = new Set((s.match(/(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)/g) ?? []).map(Number));
  if (years.size === 1) return [...years][0]!;
  if (years.size > 1 || /\d{5,}/.test(s)) return null;
  const han = /([零〇一二三四五六七八九]{4})年/.exec(s) ?? /^([零〇一二三四五六七八九]{4})$/.exec(s);
  if (han) return Number(chineseDigitString(han[1]!));
  if (nowYear === undefined) return null;
  const rel = { 今年: 0, 去年: 1, 前年: 2, 大前年: 3 } as const;
  const word = (Object.keys(rel) as (keyof typeof rel)[]).sort((a, b) => b.length - a.length).find((k) => s.includes(k));
  if (word) return nowYear - rel[word];
  // "三年前", "5年前建立的".
  const ago = /(\d{1,2}|[一二两三四五六七八九十]{1,3})年前/.exec(s);
  if (ago) {
    const n = /\d/.test(ago[1]!) ? Number(ago[1]) : parseChineseNumber(ago[1]!);
    if (n !== null) return nowYear - n;
  }
  const short = /^(?:在|是|大概|约)?(\d{2})年/.exec(s);
  if (short) {
    const yy = Number(short[1]);
    return yy <= nowYear % 100 ? 2000 + yy : 1900 + yy;
  }
  return null;
}

/** Strips spaces, dashes, brackets and a +86/0086/86 prefix. */
export function normalizeMobile(text: string): string {
  let s = toHalfWidth(text).replace(/[\s\-—–_.()（）]/g, "");
  s = s.replace(/^(\+86|0086)/, "");
  if (/^86\d{11}$/.test(s)) s = s.slice(2);
  return s;
}

export function normalizeUscc(text: string): string {
  return toHalfWidth(text).replace(/[\s\-—–]/g, "").toUpperCase();
}

export interface LabeledOption {
  value: string;
  label: string;
  /** Other words people use for it ("没有" for 未上市, "广东" for 省级): matched whole, or inside a reply when 2+ characters. */
  aliases?: readonly string[];
}

/** Earlier and colloquial names of towns (2021 merger: 东升 → 小榄; 火炬开发区 = 中山港街道). */
export const TOWN_ALIASES: Record<string, string> = {
  火炬开发区: "中山港",
  火炬区: "中山港",
  火炬: "中山港",
  东升: "小榄",
};

const CHOICE_LEAD_RE = /^(我们公司|我们企业|我们|我司|本公司|公司|企业|目前|现在|应该|算是|属于|就是|是|选择|选|我选|拿过|获得过|获过|得过|评上了|评上|有)+/;
const CHOICE_TAIL_RE = /(都是|都有|都拿过|都获得过|都|也是|也有|的|吧|啊|呀|呢|了|啦|哈|级|类|型|企业|公司)+$/;
/** Reply or label without what carries no choice: quotes, spaces, "的/级/类" suffixes, "我们是". */
export function looseWord(s: string): string {
  const w = normalizeWord(s).replace(/[\s“”"'‘’《》「」()（）]/g, "");
  const core = w.replace(CHOICE_LEAD_RE, "").replace(CHOICE_TAIL_RE, "");
  return core === "" ? w : core;
}

const isSubsequence = (needle: string, hay: string) => {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
};

export type ChoiceMatch =
  | { kind: "value"; value: string }
  /** A part of several labels: what it could be. */
  | { kind: "ambiguous"; candidates: LabeledOption[] }
  | { kind: "none" };

const NONE_LABELS = ["无", "没有", "都没有", "均无"];
const isNoneOption = (o: LabeledOption) => NONE_LABELS.includes(normalizeWord(o.label)) || (o.aliases ?? []).some((a) => NONE_LABELS.includes(normalizeWord(a)));

/** Finds the option a reply means: its number, value, label or alias, a part of one, or a negation. */
export function resolveChoice(text: string, options: readonly LabeledOption[], aliases?: Record<string, string>): ChoiceMatch {
  let w = normalizeWord(text);
  if (w === "") return { kind: "none" };
  const num = /^(?:第|选)?(\d+)(?:个|项|号|条|\.)?$/.exec(w);
  if (num) {
    const o = options[Number(num[1]) - 1];
    return o ? { kind: "value", value: o.value } : { kind: "none" };
  }
  for (const [alias, target] of Object.entries(aliases ?? {})) if (w.includes(alias)) w = w.replace(alias, target);
  const lw = looseWord(w);
  const names = (o: LabeledOption) => [o.label, ...(o.aliases ?? [])];
  const exact = options.find((o) => o.value.toLowerCase() === w || names(o).some((n) => normalizeWord(n) === w || looseWord(n) === lw));
  if (exact) return { kind: "value", value: exact.value };
  // "不是国家级，是省级": the clause that is not negated decides.
  const clauses = w.split(/[,，。;；]/).filter((c) => c !== "");
  if (clauses.length > 1) {
    const picks = new Set(clauses.filter((c) => !isNegation(c)).map((c) => resolveChoice(c, options)).flatMap((m) => (m.kind === "value" ? [m.value] : [])));
    if (picks.size === 1) return { kind: "value", value: [...picks][0]! };
  }
  const noneOption = options.find(isNoneOption);
  if (noneOption && isNegation(w)) return { kind: "value", value: noneOption.value };
  const pick = (hits: LabeledOption[], len: (o: LabeledOption) => number): ChoiceMatch | null => {
    if (hits.length === 1) return { kind: "value", value: hits[0]!.value };
    if (hits.length === 0) return null;
    // "国家级专精特新小巨人" holds two labels: the longest one inside the reply wins.
    const sorted = [...hits].sort((a, b) => len(b) - len(a));
    return len(sorted[0]!) > len(sorted[1]!) ? { kind: "value", value: sorted[0]!.value } : { kind: "ambiguous", candidates: hits };
  };
  // An alias (2+ characters) inside the reply: "拿过广东专利奖优秀奖" → 广东.
  const within = (o: LabeledOption) => Math.max(0, ...(o.aliases ?? []).map(normalizeWord).filter((a) => [...a].length >= 2 && w.includes(a)).map((a) => a.length));
  const byAlias = pick(options.filter((o) => within(o) > 0), within);
  if (byAlias) return byAlias;
  const labelInside = (o: LabeledOption) => (w.includes(looseWord(o.label)) || lw.includes(looseWord(o.label)) ? looseWord(o.label).length : 0);
  const inside = pick(options.filter((o) => labelInside(o) > 0), labelInside);
  if (inside?.kind === "value") return inside;
  // A part of a label: "省级的" → 省级专精特新, "国家小巨人" → 国家级专精特新“小巨人”.
  const partOf = options.filter((o) => looseWord(o.label).includes(lw));
  if (partOf.length === 1) return { kind: "value", value: partOf[0]!.value };
  if (partOf.length > 1) return { kind: "ambiguous", candidates: partOf };
  if (inside) return inside;
  const seq = [...lw].length >= 2 ? options.filter((o) => isSubsequence(lw, looseWord(o.label).replace(/级/g, "")) || isSubsequence(lw, looseWord(o.label))) : [];
  if (seq.length === 1) return { kind: "value", value: seq[0]!.value };
  if (seq.length > 1) return { kind: "ambiguous", candidates: seq };
  return { kind: "none" };
}

export function matchChoice(text: string, options: readonly LabeledOption[], aliases?: Record<string, string>): string | null {
  const m = resolveChoice(text, options, aliases);
  return m.kind === "value" ? m.value : null;
}

export type MultiSelectResult =
  | { kind: "values"; values: string[] }
  | { kind: "none" }
  | { kind: "error"; reason: string };

const ALL_WORDS = ["都是", "都有", "全部", "全都是", "两个都是", "两者都是", "都拿过", "都获得过", "以上都是", "全选", "都"];

/**
 * "1,3,5", "1 3 5", "1、3、5", "135" (only when every option is a single digit), labels
 * ("国家、省"), aliases ("中国专利奖和广东专利奖"), "都是" (when there are at most four options), and
 * a negation ("没有", "没拿过") as none. "不是国家级，是省级": negated parts are dropped.
 * Values come back in option order, without duplicates.
 */
export function parseMultiSelect(text: string, options: readonly LabeledOption[], allowNone: boolean): MultiSelectResult {
  const s = normalizeWord(text);
  if (allowNone && (isNoneWord(s) || s === "0" || s === "都没有" || s === "均无")) return { kind: "none" };
  if (ALL_WORDS.includes(s) && options.length <= 4) return { kind: "values", values: options.map((o) => o.value) };
  let tokens = s.split(/[\s,，、;；/|+和及与]+|以及/).filter((t) => t !== "");
  if (tokens.length === 1 && /^\d{2,}$/.test(tokens[0]!) && options.length <= 9) tokens = [...tokens[0]!];
  if (tokens.length === 0) return { kind: "error", reason: "请至少选择一项" };
  const negated = tokens.filter((t) => !/^\d+$/.test(t) && isNegation(t) && !(allowNone && isNoneWord(t)));
  if (negated.length === tokens.length) return allowNone ? { kind: "none" } : { kind: "error", reason: `没有“${text.trim()}”这一项，请至少选一项` };
  const picked = new Set<string>();
  for (const t of tokens) {
    if (negated.includes(t)) continue;
    if (allowNone && (isNoneWord(t) || t === "0")) return { kind: "error", reason: "“无”不能和其他选项同时选" };
    const m = resolveChoice(t, options);
    if (m.kind === "ambiguous") return { kind: "error", reason: `“${t}”可能是 ${m.candidates.map((o) => `${options.indexOf(o) + 1} ${o.label}`).join(" 或 ")}` };
    if (m.kind === "none") return { kind: "error", reason: /^\d+$/.test(t) ? `没有“${t}”这一项` : `没看懂“${t}”是哪一项` };
    picked.add(m.value);
  }
  return { kind: "values", values: options.filter((o) => picked.has(o.value)).map((o) => o.value) };
}
