// The "scale" step (8.1 survey scores, 1–5 and 0–10): buttons where the channel has them, split
// over cards when they do not fit one; a number typed otherwise; forged keys and junk re-asked.
import { describe, expect, it } from "vitest";
import { describeAnswers, KEY } from "../../src/flows/engine.ts";
import { FlowSchema, type FlowDefinition } from "../../src/flows/flow-schema.ts";
import { cards, Driver, makeCtx } from "./helpers.ts";

const survey: FlowDefinition = {
  id: "test-scale",
  version: 1,
  title: "服务评价",
  sections: [{ id: "q", title: "服务评价" }],
  steps: [
    { id: "overall", kind: "scale", section: "q", clause: "8.1", label: "总体满意度", prompt: "您对本次服务总体满意吗？", min: 1, max: 5, minLabel: "很不满意", maxLabel: "非常满意" },
    { id: "recommend", kind: "scale", section: "q", clause: "8.1", label: "推荐意愿", prompt: "您有多大可能向其他企业推荐工作室？", min: 0, max: 10, minLabel: "完全不会", maxLabel: "非常愿意" },
    { id: "speed", kind: "scale", section: "q", clause: "8.1", label: "及时性", prompt: "服务及时吗？", min: 1, max: 5, optional: true },
  ],
  texts: { done: "感谢您的评价。" },
};

const ERROR_1_5 = "请回复 1–5 之间的整数：1 = 很不满意，5 = 非常满意。";
const submitted = (d: Driver) => {
  const c = d.commands.find((x) => x.type === "submit");
  return c?.type === "submit" ? c.answers : undefined;
};

describe("[8.1] scale step on a channel with buttons", () => {
  it("[8.1] shows 1–5 as buttons on one card, the ends' meaning in its description, and stores the tapped number", () => {
    const d = new Driver(survey, makeCtx(true));
    const [card] = cards(d.replies);
    expect(card!.title).toBe("您对本次服务总体满意吗？");
    expect(card!.description).toBe("1 = 很不满意，5 = 非常满意");
    expect(card!.buttons.map((b) => [b.key, b.label])).toEqual([1, 2, 3, 4, 5].map((n) => [KEY.answer("overall", String(n)), String(n)]));
    d.press(KEY.answer("overall", "4"));
    expect(d.state.answers.overall).toBe(4);
    expect(d.state.cursor).toBe("recommend");
  });

  it("[8.1] splits 0–10 over consecutive cards: every value 0..10 exactly once, each a real answer", () => {
    const d = new Driver(survey, makeCtx(true), { prefill: { overall: 4 } });
    const cs = cards(d.replies);
    expect(cs.map((c) => c.buttons.map((b) => b.label))).toEqual([["0", "1", "2", "3", "4", "5"], ["6", "7", "8", "9", "10"]]);
    expect(cs.every((c) => c.buttons.length <= 6)).toBe(true);
    expect(cs.flatMap((c) => c.buttons.map((b) => b.key))).toEqual(Array.from({ length: 11 }, (_, n) => KEY.answer("recommend", String(n))));
    expect(new Set(cs.map((c) => c.id)).size).toBe(2);
    expect(cs[0]!.description).toBe("0 = 完全不会，10 = 非常愿意");
    for (const n of [0, 5, 6, 10]) {
      const one = new Driver(survey, makeCtx(true), { prefill: { overall: 4 } });
      one.press(KEY.answer("recommend", String(n)));
      expect(one.state.answers.recommend).toBe(n);
    }
  });

  it("[8.1] an optional scale keeps 跳过: a button when there is room, the word always", () => {
    const d = new Driver(survey, makeCtx(true), { prefill: { overall: 4, recommend: 9 } });
    const card = cards(d.replies).at(-1)!;
    expect(card.buttons.map((b) => b.label)).toEqual(["1", "2", "3", "4", "5", "跳过"]);
    expect(card.description).toContain("（选填，可回复“跳过”）");
    d.press(KEY.skip("speed"));
    expect(submitted(d)).toEqual({ overall: 4, recommend: 9, speed: null });
  });

  it("[8.1] refuses a forged key outside the range, or not a number, with the range and the labels", () => {
    const d = new Driver(survey, makeCtx(true));
    for (const forged of ["6", "0", "-1", "abc", "4.5"]) {
      d.press(KEY.answer("overall", forged));
      expect(d.state.answers).not.toHaveProperty("overall");
      expect(d.state.cursor).toBe("overall");
      // Inside the re-asked card (after 3 tries, the offer of help says it).
      const said = d.replies.map((m) => (m.kind === "text" ? m.text : m.kind === "card" ? (m.card.description ?? "") : "")).join("\n");
      expect(said).toContain(ERROR_1_5);
    }
    const refused = new Driver(survey, makeCtx(true)).press(KEY.answer("overall", "6"));
    expect(refused.replies).toHaveLength(1);
    expect(cards(refused.replies)[0]!.description?.startsWith(`6 不在 1–5 之间。${ERROR_1_5}`)).toBe(true);
    // The re-ask is the question's card again, so a tap can still answer it.
    const again = new Driver(survey, makeCtx(true)).press(KEY.answer("overall", "9"));
    expect(cards(again.replies)[0]!.buttons).toHaveLength(5);
  });
});

describe("[8.1] scale step on a channel without buttons", () => {
  it("[8.1] asks for a number in the range with the ends' meaning", () => {
    const d = new Driver(survey, makeCtx(false));
    expect(d.replies).toEqual([{ kind: "text", text: "您对本次服务总体满意吗？\n请回复 1–5 之间的数字（1 = 很不满意，5 = 非常满意）" }]);
    d.send("5");
    expect(d.lastText).toBe("您有多大可能向其他企业推荐工作室？\n请回复 0–10 之间的数字（0 = 完全不会，10 = 非常愿意）");
    d.send("8");
    expect(d.lastText).toBe("服务及时吗？\n（选填，可回复“跳过”）\n请回复 1–5 之间的数字");
    d.send("跳过");
    expect(submitted(d)).toEqual({ overall: 5, recommend: 8, speed: null });
  });

  it.each([
    ["4", 4],
    ["４", 4],
    ["4分", 4],
    ["4 分", 4],
    ["四", 4],
    ["四分", 4],
    ["4星", 4],
    ["4颗星", 4],
    ["一", 1],
    ["5分。", 5],
  ])("[8.1] takes %s on 1–5 as %d", (typed, value) => {
    const d = new Driver(survey, makeCtx(false));
    d.send(typed);
    expect(d.state.answers.overall).toBe(value);
  });

  it.each([
    ["十", 10],
    ["10分", 10],
    ["0", 0],
    ["零", 0],
    ["九分", 9],
  ])("[8.1] takes %s on 0–10 as %d", (typed, value) => {
    const d = new Driver(survey, makeCtx(false), { prefill: { overall: 3 } });
    d.send(typed);
    expect(d.state.answers.recommend).toBe(value);
  });

  it.each([
    ["6", `6 不在 1–5 之间。${ERROR_1_5}`],
    ["0", `0 不在 1–5 之间。${ERROR_1_5}`],
    ["六分", `6 不在 1–5 之间。${ERROR_1_5}`],
    ["3.5", `3.5 不是整数。${ERROR_1_5}`],
    ["很满意", ERROR_1_5],
    ["4到5分", ERROR_1_5],
  ])("[8.1] re-asks %s with the range and the labels", (typed, error) => {
    const d = new Driver(survey, makeCtx(false));
    d.send(typed);
    expect(d.state.answers).not.toHaveProperty("overall");
    expect(d.replies).toEqual([{ kind: "text", text: `${error}\n\n您对本次服务总体满意吗？\n请回复 1–5 之间的数字（1 = 很不满意，5 = 非常满意）` }]);
  });

  it("[8.1] re-asks 11 on 0–10 naming that range", () => {
    const d = new Driver(survey, makeCtx(false), { prefill: { overall: 3 } });
    d.send("11");
    expect(d.lastText.startsWith("11 不在 0–10 之间。请回复 0–10 之间的整数：0 = 完全不会，10 = 非常愿意。")).toBe(true);
  });
});

describe("[8.1] scale values as people read them", () => {
  it("[8.1] summary and formatValue show 4 / 5 and 8 / 10", () => {
    const fields = describeAnswers(survey, { overall: 4, recommend: 8, speed: null }).flatMap((s) => s.fields);
    expect(fields.map((f) => f.display)).toEqual(["4 / 5", "8 / 10", "（未填）"]);
  });

  it("[8.1] editing a scale shows the current score", () => {
    const d = new Driver({ ...survey, summary: { title: "请核对" } }, makeCtx(false), { prefill: { overall: 4, recommend: 8, speed: 2 } });
    expect(d.out).toContain("1. 总体满意度：4 / 5");
    d.send("修改 2");
    expect(d.lastText).toContain("当前：8 / 10（回复新内容即可修改）");
  });
});

describe("[8.1] scale schema", () => {
  const withScale = (scale: Record<string, unknown>) => ({ ...survey, steps: [{ ...survey.steps[0]!, ...scale }] });
  const problems = (scale: Record<string, unknown>) => {
    const r = FlowSchema.safeParse(withScale(scale));
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };

  it("[8.1] accepts 1–5 and 0–10", () => {
    expect(problems({ min: 1, max: 5 })).toEqual([]);
    expect(problems({ min: 0, max: 10 })).toEqual([]);
  });

  it("[8.1] refuses min ≥ max, more than 11 values, decimals and unknown fields", () => {
    expect(problems({ min: 5, max: 5 })).toEqual(["a scale needs min < max (got 5–5)"]);
    expect(problems({ min: 5, max: 1 })).toEqual(["a scale needs min < max (got 5–1)"]);
    expect(problems({ min: 0, max: 11 })).toEqual(["a scale has at most 11 values (got 0–11)"]);
    expect(problems({ min: 1, max: 100 })).toEqual(["a scale has at most 11 values (got 1–100)"]);
    expect(problems({ min: 0.5, max: 5 }).length).toBeGreaterThan(0);
    expect(problems({ step: 2 }).length).toBeGreaterThan(0);
  });
});
