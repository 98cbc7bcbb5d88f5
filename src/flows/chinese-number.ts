// Numbers as people say them: "三百" 300, "两千五" 2500 (the trailing digit is the next place
// down), "一万二" 12000, "一百零八" 108, "3千5" 3500, "1.2万" 12000, "一点五" 1.5, and the
// financial forms (壹贰叁…拾佰仟). Digits only ("2019") are left to the callers' own rules.

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 壹: 1, 幺: 1, 二: 2, 两: 2, 贰: 2, 三: 3, 叁: 3, 四: 4, 肆: 4,
  五: 5, 伍: 5, 六: 6, 陆: 6, 七: 7, 柒: 7, 八: 8, 捌: 8, 九: 9, 玖: 9,
};
const SMALL_UNITS: Record<string, number> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000 };
const BIG_UNITS: Record<string, number> = { 万: 10_000, 萬: 10_000, 亿: 100_000_000 };

/** Characters a spoken number is made of (for scanning a sentence for one). */
export const NUMERAL_CHARS = `0-9.${Object.keys(DIGITS).join("")}${Object.keys(SMALL_UNITS).join("")}${Object.keys(BIG_UNITS).join("")}点`;

/** The value of a whole numeral string, or null when it is not one. */
export function parseChineseNumber(input: string): number | null {
  const s = input.replace(/\s+/g, "");
  if (s === "") return null;
  // Tokens: an Arabic number ("1.2"), a Chinese digit run with an optional 点 decimal, or a unit.
  const tokens = s.match(/\d+(?:\.\d+)?|[零〇一壹幺二两贰三叁四肆五伍六陆七柒八捌九玖](?:点[零〇一壹二两贰三叁四肆五伍六陆七柒八捌九玖]+)?|[十拾百佰千仟万萬亿]|./g) ?? [];
  let total = 0; // everything above the current 万/亿 group
  let group = 0; // the group being built (below 万)
  let pending: number | null = null; // a number not yet multiplied by a unit
  let pendingIsDigit = false; // one Chinese digit (may be shorthand for the next place down)
  let lastUnit = 1;
  let afterZero = false;
  let lastBig = 0;
  for (const t of tokens) {
    if (/^\d/.test(t) || t in DIGITS || t.includes("点")) {
      const v = /^\d/.test(t) ? Number(t) : chineseDigits(t);
      if (v === null) return null;
      if (v === 0 && t in DIGITS) {
        // 零 between places ("一百零八"): the next digit is a unit digit, not a shorthand.
        if (pending !== null) return null;
        afterZero = true;
        continue;
      }
      if (pending !== null) return null; // two numbers in a row ("三四") is not a number
      pending = v;
      pendingIsDigit = t in DIGITS || /^\d$/.test(t);
    } else if (t in SMALL_UNITS) {
      const u = SMALL_UNITS[t]!;
      if (pending === null && group !== 0 && !afterZero) return null; // "百百"
      group += (pending ?? 1) * u;
      pending = null;
      lastUnit = u;
      afterZero = false;
    } else if (t in BIG_UNITS) {
      const u = BIG_UNITS[t]!;
      const g = group + (pending ?? 0);
      if (g === 0 && total === 0) return null; // a bare 万
      // 亿 scales all before it; so does a second 万 ("一万四千万" = 14000万), but not 万 after 亿.
      if (u === 100_000_000 || lastBig === 10_000) total = (total + g) * u;
      else total += g * u;
      lastBig = u;
      group = 0;
      pending = null;
      lastUnit = u;
      afterZero = false;
    } else return null;
  }
  if (pending !== null) {
    // "两千五" = 2500, "一万二" = 12000: a lone trailing digit is the next place down.
    const shorthand = pendingIsDigit && !afterZero && lastUnit >= 100 && Number.isInteger(pending);
    group += shorthand ? pending * (lastUnit / 10) : pending;
  }
  const n = total + group;
  return Number.isFinite(n) ? Math.round(n * 1e6) / 1e6 : null;
}

/** "五" → 5, "一点五" → 1.5 (digits after 点 read one by one). */
function chineseDigits(t: string): number | null {
  const [int, frac] = t.split("点");
  const i = DIGITS[int!];
  if (i === undefined) return null;
  if (frac === undefined) return i;
  const f = [...frac].map((c) => DIGITS[c]);
  if (f.some((d) => d === undefined)) return null;
  return Number(`${i}.${f.join("")}`);
}

/** "二〇一九" / "二零一九" → 2019: digits read one by one (years). */
export function chineseDigitString(s: string): string | null {
  const out = [...s].map((c) => (/\d/.test(c) ? c : DIGITS[c]));
  return out.every((d) => d !== undefined) ? out.join("") : null;
}
