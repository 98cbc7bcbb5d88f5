// Named normalizers and validators: flows reference them BY NAME so a flow stays plain data.
// Kind-level checks (uscc, mobile, year) live here too and are reused by the engine.
import type { AnswerValue } from "./flow-schema.ts";
import { collapseSpaces } from "./normalize.ts";

/** Runs on the text before the step kind parses it. */
export type Normalizer = (text: string) => string;
/** Runs on the parsed value; returns a Chinese error (what is expected + example) or null. */
export type Validator = (value: AnswerValue, ctx: { now: Date }) => string | null;

// --- GB 32100-2015 统一社会信用代码 ---------------------------------------------------------

/** The 31 code characters (no I, O, Z, S, V); a character's index is its value. */
const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** 登记管理部门代码 (position 1) per GB 32100-2015. */
const USCC_AUTHORITIES = "123456789ANY";

/** The check character for the first 17 characters, or null if one is not a code character. */
export function usccCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * USCC_WEIGHTS[i]!;
  }
  const c = 31 - (sum % 31);
  return USCC_CHARS[c === 31 ? 0 : c]!;
}

export const USCC_EXAMPLE = "91350100M000100Y43";

/** Why a (normalized, upper-case) code is invalid, or null if it is valid. */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为 18 位，您输入了 ${code.length} 位`;
  if (!/^[0-9A-HJ-NP-RTUWXY]{18}$/.test(code)) return "代码里只有数字和大写字母，且不含 I、O、Z、S、V";
  if (!USCC_AUTHORITIES.includes(code[0]!) || !/^\d{6}$/.test(code.slice(2, 8))) return "代码格式不对（第 3–8 位应为行政区划数字）";
  if (usccCheckChar(code.slice(0, 17)) !== code[17]) return "最后一位校验码对不上，可能有字输错了";
  return null;
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

// --- other checks ---------------------------------------------------------------------------

export const MOBILE_RE = /^1[3-9]\d{9}$/;
export const MOBILE_EXAMPLE = "13800138000";

const HAN = /\p{Script=Han}/u;

/** The current year in China (UTC+8), whatever the server's time zone (Workers run in UTC). */
export function chinaYear(now: Date): number {
  return new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
}

// --- calendar dates ("YYYY-MM-DD", the IP register's business dates) ---------------------------

/** 2021-06-01, 2021/6/1, 2021.6.1, 2021年6月1日, 20210601 (full-width digits too) → "2021-06-01"; null if not a real date. */
export function parseDateText(text: string): string | null {
  const t = text.normalize("NFKC").replace(/\s+/g, "");
  const m = /^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || y > 2199 || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return `${m[1]}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const DATE_EXAMPLE = "2021-06-01（也可写 2021/6/1 或 2021年6月1日）";

// Validators return the specific problem only; the engine appends the step's "expected + example".
export const validators: Record<string, Validator> = {
  uscc: (v) => (typeof v === "string" ? usccProblem(v) : "不是统一社会信用代码"),
  mobile: (v) => (typeof v === "string" && MOBILE_RE.test(v) ? null : "这不像大陆手机号"),
  /** Names on ID cards: Han or Latin letters, with · for minority names (如 阿卜杜·热合曼). */
  personName: (v) =>
    typeof v === "string" && /^[\p{Script=Han}A-Za-z·• .]{2,30}$/u.test(v) ? null : "姓名只能是汉字或字母（2–30 个字）",
  /** Registered names are in Chinese. */
  companyName: (v) => (typeof v === "string" && HAN.test(v) ? null : "企业名称应为中文全称"),
  address: (v) => (typeof v === "string" && HAN.test(v) && [...v].length >= 6 ? null : "地址太简单了，请写到路名门牌"),
  notFutureYear: (v, ctx) =>
    typeof v === "number" && v > chinaYear(ctx.now) ? `年份不能晚于今年（${chinaYear(ctx.now)} 年）` : null,
  /** A real calendar date, as the "date" normalizer leaves it. */
  date: (v) => (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && parseDateText(v) === v ? null : "这不是一个有效的日期"),
  /** An explicit confirmation of a final step (不同意): only these words, never a bare "好吧". */
  confirmWord: (v) => (typeof v === "string" && ["确认", "确定", "是", "confirm", "yes"].includes(v.normalize("NFKC").trim().toLowerCase().replace(/[。.!！]+$/, "")) ? null : ""),
};

export const normalizers: Record<string, Normalizer> = {
  /** Official enterprise names use full-width brackets: 中山市某某（中国）有限公司. */
  companyName: (s) => collapseSpaces(s.replace(/\(/g, "（").replace(/\)/g, "）")),
  upperCase: (s) => s.toUpperCase(),
  removeSpaces: (s) => s.replace(/\s+/g, ""),
  /** Dates as people type them → "YYYY-MM-DD" (left as typed when not a date: the "date" validator says so). */
  date: (s) => parseDateText(s) ?? s.trim(),
};
