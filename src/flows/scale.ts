// 8.1 scale steps ("overall satisfaction 1–5", "would you recommend us 0–10"): what a typed score
// means, what the ends mean, and how the values are split over cards.
import type { StepOf } from "./flow-schema.ts";
import { normalizeWord } from "./normalize.ts";

type ScaleStep = StepOf<"scale">;

/** "1 = 很不满意，5 = 非常满意" (only the ends that have a label), or "". */
export function scaleLegend(step: ScaleStep): string {
  const ends = [
    step.minLabel ? `${step.min} = ${step.minLabel}` : "",
    step.maxLabel ? `${step.max} = ${step.maxLabel}` : "",
  ];
  return ends.filter(Boolean).join("，");
}

export function scaleValues(step: ScaleStep): number[] {
  return Array.from({ length: step.max - step.min + 1 }, (_, i) => step.min + i);
}

/** The values in as few consecutive groups of at most `room` as possible, evenly: 0–10 by 6 is 0–5, 6–10. */
export function scaleGroups(step: ScaleStep, room: number): number[][] {
  const values = scaleValues(step);
  const groups = Math.ceil(values.length / room);
  const out: number[][] = [];
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.ceil((values.length - at) / (groups - g));
    out.push(values.slice(at, at + size));
    at += size;
  }
  return out;
}

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一…九十九 as written in chat: "四", "十", "十一", "二十". Null for anything else. */
function chineseNumber(s: string): number | null {
  if (s.length === 1 && s in DIGITS) return DIGITS[s]!;
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (!m) return null;
  return (m[1] ? DIGITS[m[1]]! : 1) * 10 + (m[2] ? DIGITS[m[2]]! : 0);
}

/**
 * A typed score: "4", "４", "4分", "4 分", "四", "四分", "十", "10分", "4星", "4颗星". Returns the
 * number (range not checked; a decimal is returned as is so the caller can say "整数"), or null.
 */
export function parseScaleText(text: string): number | null {
  const w = normalizeWord(text).replace(/\s+/g, "").replace(/(分|颗星|星)$/, "");
  if (/^-?\d+(\.\d+)?$/.test(w)) return Number(w);
  return chineseNumber(w);
}
