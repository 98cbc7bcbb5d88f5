// Properties of the answer parsers, over generated inputs (a seeded generator, so a failure is
// reproducible): every option of every flow parses to itself by number, label, alias and with
// the 的/级/类 suffixes people add; numbers in digits, Chinese numerals and with units parse to
// themselves; a year inside a date is that year.
import { describe, expect, it } from "vitest";
import { allFlows as flows } from "../../bot-flows/index.ts";
import { studioApplicationFlow } from "../../bot-flows/studio-application.ts";
import { parseChineseNumber } from "../../src/flows/chinese-number.ts";
import type { AnswerStep } from "../../src/flows/flow-schema.ts";
import { isNegation, matchChoice, parseMultiSelect, parseNumberText, parseYearText, parseYesNo, type LabeledOption } from "../../src/flows/normalize.ts";
import { parseLabelledAnswers } from "../../src/flows/multi-answer.ts";
import { parseAnswer } from "../../src/flows/parse-answer.ts";
import { NOW } from "./helpers.ts";

/** mulberry32: small, seeded, good enough to spread test inputs. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const D = "零一二三四五六七八九";
/** 1..9999 the way it is written: 一千零五, 三百二十. */
function group4(n: number): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  const units = ["千", "百", "十", ""];
  let out = "";
  let zero = false;
  let started = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      if (started) zero = true;
      return;
    }
    if (zero) out += "零";
    zero = false;
    out += D[d] + units[i]!;
    started = true;
  });
  return out;
}
/** Any integer below 10^12 in Chinese numerals. */
function toChinese(n: number): string {
  if (n === 0) return "零";
  const yi = Math.floor(n / 1e8);
  const wan = Math.floor((n % 1e8) / 1e4);
  const rest = n % 1e4;
  let s = "";
  if (yi) s += `${group4(yi)}亿`;
  if (wan) s += `${yi && wan < 1000 ? "零" : ""}${group4(wan)}万`;
  if (rest) s += `${(yi || wan) && rest < 1000 ? "零" : ""}${group4(rest)}`;
  return s;
}

const withCommas = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const R = rng(20251129);
const integers = [0, 1, 9, 10, 11, 19, 20, 100, 101, 110, 1000, 1001, 1010, 10000, 10001, 100000, 100010000, ...Array.from({ length: 300 }, () => R.int(0, 10 ** R.int(1, 11)))];

describe("Chinese numerals", () => {
  it.each(integers.map((n) => [toChinese(n), n] as const))("%s = %i", (zh, n) => {
    expect(parseChineseNumber(zh)).toBe(n);
  });

  it("reads 十二 (no leading 一) for every 10–19", () => {
    for (let n = 10; n <= 19; n++) expect(parseChineseNumber(`十${n === 10 ? "" : D[n - 10]}`)).toBe(n);
  });

  it("reads the shorthand for the next place down: 两千五, 三百五, 一万二", () => {
    const places = [["百", 100], ["千", 1000], ["万", 10000]] as const;
    for (const [unit, u] of places)
      for (let a = 1; a <= 9; a++)
        for (let b = 1; b <= 9; b++) {
          const lead = a === 2 && R.next() < 0.5 ? "两" : D[a]!;
          expect(parseChineseNumber(`${lead}${unit}${D[b]}`), `${lead}${unit}${D[b]}`).toBe(a * u + (b * u) / 10);
        }
  });

  it("is not fooled by digit runs or stray characters", () => {
    for (const s of ["三四", "百百", "万", "一二三", "五a", "十-"]) expect(parseChineseNumber(s), s).toBeNull();
  });
});

describe("numbers in digits, numerals and units parse to themselves", () => {
  const counts = integers.filter((n) => n <= 10_000_000);
  it.each(counts.map((n) => [n] as const))("%i", (n) => {
    const forms = [String(n), withCommas(n), `${n}件`, `${n} 件`, toChinese(n), `${toChinese(n)}件`, `约${n}件`, `${n}件左右`, `大概${toChinese(n)}个`];
    for (const f of forms) expect(parseNumberText(f, "件"), f).toBe(n);
  });

  it("万元 fields: 万 and 亿 count in yuan, a bare number is already 万元", () => {
    for (let i = 0; i < 200; i++) {
      const wan = R.int(1, 99999);
      for (const f of [String(wan), `${wan}万`, `${wan}万元`, `${toChinese(wan)}万`, `${wan * 10000}元`, `人民币${wan}万元`])
        expect(parseNumberText(f, "万元"), f).toBe(wan);
    }
    expect(parseNumberText("1.2亿", "万元")).toBe(12000);
  });

  it("a count step stores the number, whatever its form (through parseAnswer)", () => {
    const step = studioApplicationFlow.steps.find((s) => s.id === "validInvention") as AnswerStep;
    for (const n of counts) expect(parseAnswer(step, R.pick([String(n), `${toChinese(n)}件`, `${n}件`]), { now: NOW, options: [] })).toEqual({ ok: true, value: n });
  });
});

describe("years inside dates", () => {
  it("finds the year in every common form", () => {
    for (let i = 0; i < 300; i++) {
      const y = R.int(1949, 2025);
      const m = R.int(1, 12);
      const d = R.int(1, 28);
      const han = [...String(y)].map((c) => R.pick(c === "0" ? ["零", "〇"] : [D[Number(c)]!])).join("");
      for (const f of [`${y}`, `${y}年`, `${y}年${m}月`, `${y}年${m}月${d}日`, `${y}-${m}-${d}`, `${y}/${m}`, `${y}.${m}`, `大概${y}年吧`, `${han}年`])
        expect(parseYearText(f, 2025), f).toBe(y);
    }
  });
  it("reads 18年 as the latest such year not after now", () => {
    for (let yy = 0; yy <= 99; yy++) expect(parseYearText(`${String(yy).padStart(2, "0")}年`, 2025)).toBe(yy <= 25 ? 2000 + yy : 1900 + yy);
  });
});

/** Every option with static options in every registered flow. */
const optionSteps = flows.flatMap((f) =>
  f.steps.flatMap((s) => ((s.kind === "choice" || s.kind === "multi-choice") && s.options ? [{ flow: f.id, step: s, options: s.options as LabeledOption[] }] : [])),
);

describe("every option of every flow parses to itself", () => {
  it.each(optionSteps.map((x) => [`${x.flow}.${x.step.id}`, x] as const))("%s", (_, { step, options }) => {
    options.forEach((o, i) => {
      const forms = [String(i + 1), o.label, `${o.label}的`, ` ${o.label}。`, `是${o.label}`, ...(o.aliases ?? [])];
      if (!/[级类]$/.test(o.label)) forms.push(`${o.label}级`, `${o.label}类`);
      for (const f of forms) {
        if (step.kind === "choice") expect(matchChoice(f, options), `${f} → ${o.value}`).toBe(o.value);
        else expect(parseMultiSelect(f, options, step.none !== undefined), `${f} → ${o.value}`).toEqual({ kind: "values", values: [o.value] });
      }
    });
  });

  it("a multi-choice takes any subset in numbers or labels, in any order", () => {
    for (const { step, options } of optionSteps.filter((x) => x.step.kind === "multi-choice")) {
      for (let i = 0; i < 30; i++) {
        const subset = options.filter(() => R.next() < 0.5);
        if (subset.length === 0) continue;
        const shuffled = [...subset].sort(() => R.next() - 0.5);
        const sep = R.pick(["、", ",", "，", " ", "和"]);
        const text = shuffled.map((o) => (R.next() < 0.5 ? String(options.indexOf(o) + 1) : o.label)).join(sep);
        expect(parseMultiSelect(text, options, step.kind === "multi-choice" && step.none !== undefined), text).toEqual({ kind: "values", values: subset.map((o) => o.value) });
      }
    }
  });
});

describe("negations mean none, numbers never do", () => {
  const leads = ["", "还", "暂时", "目前还", "我们公司"];
  it.each(["没有", "没", "未认证", "没有认证", "无", "暂无", "尚未", "没通过", "不是"])("%s… is a negation", (w) => {
    for (const l of leads) expect(isNegation(`${l}${w}`), `${l}${w}`).toBe(true);
  });
  it("a negation is 0 on a count and empty on an optional number, never on a year that must be filled", () => {
    const count = studioApplicationFlow.steps.find((s) => s.id === "validDesign") as AnswerStep;
    const optional = { ...count, optional: true } as AnswerStep;
    const year = { id: "y", kind: "year", section: "s", label: "年份", prompt: "哪一年？" } as AnswerStep;
    for (const w of ["没有", "还没有", "暂无", "一件都没有"]) {
      expect(parseAnswer(count, w, { now: NOW, options: [] }), w).toEqual({ ok: true, value: 0 });
      expect(parseAnswer(optional, w, { now: NOW, options: [] }), w).toEqual({ ok: true, value: null });
      expect(parseAnswer(year, w, { now: NOW, options: [] }).ok, w).toBe(false);
    }
  });
  it("a number is never a negation", () => {
    for (const n of integers.slice(0, 60)) for (const f of [`不到${n}个`, `不到${toChinese(n)}个`, `没有${n}年`]) expect(isNegation(f), f).toBe(false);
  });
});

describe("yes/no with an explanation after it", () => {
  const tails = ["", "，是我", "，我们公司", "。", "，联系人是行政", "，叫知识产权部"];
  it.each(["是", "是的", "对", "有", "有的", "嗯"])("%s… → yes", (w) => {
    for (const t of tails) expect(parseYesNo(`${w}${t}`), `${w}${t}`).toBe(true);
  });
  it.each(["不是", "没有", "否", "无", "不对", "还没有", "未"])("%s… → no", (w) => {
    for (const t of tails) expect(parseYesNo(`${w}${t}`), `${w}${t}`).toBe(false);
  });
  it.each(["不知道", "不清楚", "不确定", "不一定", "说不准", "不太懂"])("%s is a doubt, never a no", (w) => {
    expect(parseYesNo(w)).toBeNull();
    expect(isNegation(w)).toBe(false);
  });
});

describe("[A.1] several labelled counts in one message", () => {
  const block = studioApplicationFlow.steps.filter((s) => s.section === "ipCounts") as AnswerStep[];
  const all = new Set(block.map((s) => s.id));
  it("fills exactly the counts named, whatever their names, forms, order and separators", () => {
    for (let i = 0; i < 300; i++) {
      const named = block.filter(() => R.next() < 0.5);
      if (named.length === 0) continue;
      const values = named.map(() => R.int(0, 5000));
      const parts = named.map((st, j) => {
        const name = R.pick([st.label, ...(st.aliases ?? [])]);
        const n = values[j]!;
        const num = R.pick([String(n), toChinese(n), n === 0 ? "没有" : String(n)]);
        return R.pick([`${name}${num}件`, `${name}${num}`, `${name}：${num}`, `${name}有${num}件`]);
      });
      const order = parts.map((p, j) => [p, j] as const).sort(() => R.next() - 0.5);
      const text = order.map(([p]) => p).join(R.pick(["，", "、", "；", " ", "。", ",", "\n"]));
      const r = parseLabelledAnswers(block, all, text, NOW);
      expect(r?.kind, text).toBe("fill");
      if (r?.kind !== "fill") continue;
      expect(Object.fromEntries(r.filled.map((f) => [f.step.id, f.value])), text).toEqual(Object.fromEntries(named.map((st, j) => [st.id, values[j]])));
    }
  });
});
