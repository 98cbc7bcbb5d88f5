// What people type on a phone: full-width characters from Chinese IMEs, unit suffixes,
// yes/no words, "1、3、5" selections and labels typed instead of numbers.

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

export function parseYesNo(text: string, extra?: { yes?: string[]; no?: string[] }): boolean | null {
  const w = normalizeWord(text);
  if (YES_WORDS.includes(w) || extra?.yes?.some((x) => normalizeWord(x) === w)) return true;
  if (NO_WORDS.includes(w) || extra?.no?.some((x) => normalizeWord(x) === w)) return false;
  return null;
}

export function isNoneWord(text: string): boolean {
  return NONE_WORDS.includes(normalizeWord(text));
}

const NUMBER_RE = /^-?(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?$/;
/** An optional multiplier (亿/万) then an optional unit: "1.2万人", "500万元", "1.2亿". */
const SUFFIX_RE = /(亿|万)?(元|人|名|件|个|项|家)?$/;

/**
 * "500万元" → 500 on a 万元 field; "1,200.5" → 1200.5; "1.2亿" → 12000 (万元);
 * "5000000元" → 500 (万元); "1.2万人" → 12000 on a count field. Null if not a number.
 */
export function parseNumberText(text: string, unit?: string): number | null {
  let s = toHalfWidth(text).replace(/\s+/g, "").replace(/^(大约|大概|约)/, "");
  const m = SUFFIX_RE.exec(s)!;
  const [, mult = "", suffix = ""] = m;
  s = s.slice(0, m.index);
  if (s === "" || s === "-" || !NUMBER_RE.test(s)) return null;
  const n = Number(s.replace(/,/g, ""));
  if (!Number.isFinite(n)) return null;
  const wan = unit === "万元";
  let factor = 1;
  if (mult === "亿") factor = wan ? 10_000 : 100_000_000;
  else if (mult === "万") factor = wan ? 1 : 10_000;
  else if (suffix === "元" && wan) factor = 1 / 10_000;
  // Round away float noise such as 1.1 * 10000 = 11000.000000000002.
  return Math.round(n * factor * 1e6) / 1e6;
}

/** "2015", "2015年", "２０１５" → 2015. */
export function parseYearText(text: string): number | null {
  const s = toHalfWidth(text).replace(/\s+/g, "").replace(/年$/, "");
  return /^\d{4}$/.test(s) ? Number(s) : null;
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
}

/** Earlier and colloquial names of towns (2021 merger: 东升 → 小榄; 火炬开发区 = 中山港街道). */
export const TOWN_ALIASES: Record<string, string> = {
  火炬开发区: "中山港",
  火炬区: "中山港",
  火炬: "中山港",
  东升: "小榄",
};

/** Finds the option a reply means: its number, value, label, or a unique part of a label. */
export function matchChoice(text: string, options: readonly LabeledOption[], aliases?: Record<string, string>): string | null {
  let w = normalizeWord(text);
  if (w === "") return null;
  if (/^\d+$/.test(w)) return options[Number(w) - 1]?.value ?? null;
  for (const [alias, target] of Object.entries(aliases ?? {})) if (w.includes(alias)) w = w.replace(alias, target);
  const exact = options.find((o) => normalizeWord(o.label) === w || o.value.toLowerCase() === w);
  if (exact) return exact.value;
  const hits = options.filter((o) => {
    const l = normalizeWord(o.label);
    return l.includes(w) || w.includes(l);
  });
  if (hits.length === 1) return hits[0]!.value;
  // "国家级专精特新小巨人" contains two labels: prefer the longest label inside the reply.
  const inside = hits.filter((o) => w.includes(normalizeWord(o.label)));
  inside.sort((a, b) => b.label.length - a.label.length);
  if (inside.length >= 1 && (inside.length === 1 || inside[0]!.label.length > inside[1]!.label.length)) return inside[0]!.value;
  return null;
}

export type MultiSelectResult =
  | { kind: "values"; values: string[] }
  | { kind: "none" }
  | { kind: "error"; reason: string };

/**
 * "1,3,5", "1 3 5", "1、3、5", "135" (only when every option is a single digit), or labels
 * ("国家、省"). Values come back in option order, without duplicates.
 */
export function parseMultiSelect(text: string, options: readonly LabeledOption[], allowNone: boolean): MultiSelectResult {
  const s = normalizeWord(text);
  if (allowNone && (isNoneWord(s) || s === "0" || s === "都没有" || s === "均无")) return { kind: "none" };
  let tokens = s.split(/[\s,，、;；/|+和及]+/).filter((t) => t !== "");
  if (tokens.length === 1 && /^\d{2,}$/.test(tokens[0]!) && options.length <= 9) tokens = [...tokens[0]!];
  if (tokens.length === 0) return { kind: "error", reason: "请至少选择一项" };
  const picked = new Set<string>();
  for (const t of tokens) {
    if (allowNone && (isNoneWord(t) || t === "0")) return { kind: "error", reason: "“无”不能和其他选项同时选" };
    const v = matchChoice(t, options);
    if (v === null) return { kind: "error", reason: `没有“${t}”这一项` };
    picked.add(v);
  }
  return { kind: "values", values: options.filter((o) => picked.has(o.value)).map((o) => o.value) };
}
