// Fewer, better messages: every question is ONE message — 跳过 on the question's own card (or the
// word in its text), progress and errors inside it; a town the address names is confirmed in one
// tap instead of a list of 23, and every inferred choice is said back.
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { ZHONGSHAN_TOWNS } from "../../src/domain/towns.ts";
import { tappedCardLabel } from "../../src/flows/card-labels.ts";
import { KEY, type FlowContext } from "../../src/flows/engine.ts";
import { cards, Driver, HAPPY, makeCtx, NOW, startAt } from "./helpers.ts";

/** The seeded 镇街, as the app passes them (ids decide how a town reads: 小榄镇, 中山港（火炬开发区）). */
const seeded = (buttons: boolean): FlowContext => ({ ...makeCtx(buttons), towns: ZHONGSHAN_TOWNS.map((t) => ({ id: t.id, name: t.name })), now: NOW });
const typed = new Map(HAPPY.map(([f, t]) => [f, t]));

describe("[A.1] one message per question", () => {
  it.each([
    ["a channel with buttons", true],
    ["a channel without buttons", false],
  ])("the whole form on %s: one message per answer, with its progress line", (_, buttons) => {
    const d = new Driver(flow, seeded(buttons));
    for (let i = 0; i < 60 && d.state.cursor; i++) {
      const field = d.state.cursor;
      expect(d.replies, `one message for ${field}`).toHaveLength(1);
      const m = d.replies[0]!;
      const said = m.kind === "text" ? m.text : m.kind === "card" ? `${m.card.title}\n${m.card.description ?? ""}` : "";
      expect(said, field).toMatch(/第 \d+\/\d+ 题 · \S+/);
      // The address names 小榄: 是 takes it.
      d.send(field === "townId" ? "是" : typed.get(field)!);
    }
    expect(d.state.mode).toBe("summary");
    expect(d.state.answers.townId).toBe("xiaolan");
  });

  it("puts 跳过 on the question's own card, never on a card of its own", () => {
    // A typed optional question says the word in its text; no lone 跳过 card follows it.
    const year = startAt(flow, "ipRulesYear", seeded(true)).send("继续");
    expect(year.replies).toHaveLength(1);
    expect(year.replies[0]).toMatchObject({ kind: "text" });
    expect((year.replies[0] as { text: string }).text).toContain("（选填，可回复“跳过”）");
    const uscc = startAt(flow, "uscc", seeded(true)).send("继续");
    expect(uscc.replies).toHaveLength(1);
    expect(cards(uscc.replies)).toEqual([]);
  });

  it("a section's first question names the section inside it, not as a message of its own", () => {
    const d = startAt(flow, "isAboveScale", seeded(true)).send("继续");
    d.press(KEY.answer("isAboveScale", "yes"));
    expect(d.replies).toHaveLength(1);
    expect(cards(d.replies)[0]!.title).toBe("企业的专精特新情况？");
    expect(cards(d.replies)[0]!.description).toBe("第 10/27 题 · 重点企业情况");
  });

  it("an error and the re-ask are one message", () => {
    const d = startAt(flow, "isLeadingReserve", seeded(true)).send("继续");
    d.send("也许吧我想想");
    expect(d.replies).toHaveLength(1);
    const card = cards(d.replies)[0]!;
    expect(card.title).toBe("是否为领军入库企业（已入选领军企业培育库）？");
    expect(card.description?.split("\n").at(-1)).toBe("第 11/27 题 · 重点企业情况");
    expect(card.buttons.map((b) => b.label)).toEqual(["是", "否"]);
  });
});

describe("what does not fit a card", () => {
  it("a long lead goes before the card, so the buttons stay; a long question goes whole into the description", () => {
    const long = "请确认：贵企业是否已经按照国家企业知识产权管理规范建立了完整的知识产权管理体系并通过认证？";
    const f = { ...flow, steps: flow.steps.map((st) => (st.id === "isAboveScale" ? { ...st, prompt: long } : st)) } as typeof flow;
    const d = startAt(f, "isAboveScale", seeded(true)).send("继续");
    expect(d.replies).toHaveLength(1);
    expect(cards(d.replies)[0]!.title).toBe("是否规上企业");
    expect(cards(d.replies)[0]!.description).toBe(`第 9/27 题 · 企业基本信息\n${long}`);
    // A long notice in front of a card question: too long for a card's text.
    const prefill = Object.fromEntries(HAPPY.slice(0, HAPPY.findIndex(([f]) => f === "isAboveScale")).map(([f, , v]) => [f, v]));
    const intro = new Driver(flow, seeded(true), { prefill, notice: "您的草稿已恢复。".repeat(12) });
    expect(intro.replies.map((m) => m.kind)).toEqual(["text", "card"]);
    expect((intro.replies[0] as { text: string }).text).toContain(`约 ${flow.estimatedMinutes} 分钟`);
    expect(cards(intro.replies)[0]!.buttons.map((b) => b.label)).toEqual(["是", "否"]);
  });
});

describe("[A.1] the eight counts", () => {
  const QUESTION = "第 29/31 题 · 有效知识产权数量\n请按顺序回复以下 8 项的有效量（件），没有的写 0：\n发明专利、实用新型专利、外观设计专利、PCT 专利、国内商标、境外商标、版权、其他知识产权\n如“12 45 8 0 6 0 3 0”，或“发明专利12，实用新型专利45……”";

  it("are one question, answered in order in one message", () => {
    const d = startAt(flow, "validInvention", seeded(false)).send("继续");
    expect((d.replies[0] as { text: string }).text).toBe(QUESTION);
    d.send("12 45 8 0 6 0 3 0");
    expect(d.replies).toHaveLength(1);
    expect(d.out.startsWith("已填：发明专利 12 件、实用新型专利 45 件、外观设计专利 8 件、PCT 专利 0 件、国内商标 6 件、境外商标 0 件、版权 3 件、其他知识产权 0 件")).toBe(true);
    expect(d.out).toContain("第 30/31 题 · 申请需求");
    expect(d.state.answers).toMatchObject({ validInvention: 12, validUtility: 45, validDesign: 8, validPct: 0, validTrademarkDomestic: 6, validTrademarkOverseas: 0, validCopyright: 3, validOther: 0 });
  });

  it("full-width digits and commas read the same; a wrong number of counts is refused naming the eight", () => {
    const d = startAt(flow, "validInvention", seeded(false)).send("继续");
    d.send("12 45 8");
    expect(d.out).toBe(`收到 3 个数，这里需要 8 个，依次是：发明专利、实用新型专利、外观设计专利、PCT 专利、国内商标、境外商标、版权、其他知识产权；没有的写 0\n\n${QUESTION}`);
    expect(d.state.answers).not.toHaveProperty("validInvention");
    d.send("１２，４５，８，０，６，０，３，０");
    expect(d.state.answers).toMatchObject({ validInvention: 12, validOther: 0 });
  });

  it("a single number answers the first count, and the rest are asked one by one", () => {
    const d = startAt(flow, "validInvention", seeded(false)).send("继续");
    d.send("12");
    expect(d.state.answers).toMatchObject({ validInvention: 12 });
    expect((d.replies[0] as { text: string }).text).toBe("第 29/31 题 · 有效知识产权数量\n实用新型专利的有效量是多少件？没有请回复 0");
    // "1,200" is one number in thousands, not two counts.
    d.send("1,200");
    expect(d.state.answers).toMatchObject({ validUtility: 1200 });
  });
});

describe("[A.1] the town the registered address names", () => {
  it("asks 属于小榄镇，对吗？ with 是 / 选择其他 instead of the list, and says back what was taken", () => {
    const d = startAt(flow, "townId", seeded(true), { registeredAddress: "中山市小榄镇升平中路18号" });
    expect(d.replies).toHaveLength(1);
    const card = cards(d.replies)[0]!;
    expect(card.title).toBe("属于小榄镇，对吗？");
    expect(card.buttons).toEqual([
      { key: KEY.answer("townId", "xiaolan"), label: "是", style: "primary" },
      { key: KEY.answer("townId", "@other"), label: "选择其他" },
    ]);
    d.send("对");
    expect(d.state.answers.townId).toBe("xiaolan");
    expect(d.replies).toHaveLength(1);
    expect((d.replies[0] as { text: string }).text.startsWith("已选：小榄镇\n\n第 5/27 题")).toBe(true);
  });

  it("选择其他 shows the whole list in one message, and a typed 火炬区 is said back as 中山港（火炬开发区）", () => {
    const d = startAt(flow, "townId", seeded(true), { registeredAddress: "中山市小榄镇升平中路18号" });
    d.press(KEY.answer("townId", "@other"));
    expect(d.state.cursor).toBe("townId");
    expect(d.replies).toHaveLength(1);
    const list = (d.replies[0] as { text: string }).text;
    expect(list).toContain("1. 石岐");
    expect(list).toContain("23. 坦洲");
    d.send("火炬区");
    expect(d.state.answers.townId).toBe("zhongshangang");
    expect((d.replies[0] as { text: string }).text.startsWith("已选：中山港（火炬开发区）\n\n")).toBe(true);
  });

  it("不是 also leads to the list; a wrong town there is refused with the list again, not the suggestion", () => {
    const d = startAt(flow, "townId", seeded(false), { registeredAddress: "中山市小榄镇升平中路18号" });
    expect((d.replies[0] as { text: string }).text).toContain("属于小榄镇，对吗？回复“是”确认，或回复“选择其他”");
    d.send("不是");
    expect((d.replies[0] as { text: string }).text).toContain("23. 坦洲");
    d.send("北京");
    expect(d.replies).toHaveLength(1);
    expect((d.replies[0] as { text: string }).text).toContain("23. 坦洲");
    expect((d.replies[0] as { text: string }).text).not.toContain("对吗");
  });
});

describe("[A.1] a tapped question card shows its answer", () => {
  it("names the chosen option, the skip, and an earlier question's card as handled", () => {
    const ctx = seeded(true);
    const d = startAt(flow, "specialisedLevel", ctx).send("继续");
    const before = d.state;
    d.press(KEY.answer("specialisedLevel", "provincial"));
    expect(tappedCardLabel(flow, before, d.state, KEY.answer("specialisedLevel", "provincial"), ctx)).toBe("已选：省级专精特新");
    // The same card tapped again later: the question moved on.
    expect(tappedCardLabel(flow, d.state, d.state, KEY.answer("specialisedLevel", "none"), ctx)).toBe("已处理");
    const y = startAt(flow, "ipRulesYear", ctx).send("继续");
    const s0 = y.state;
    y.press(KEY.skip("ipRulesYear"));
    expect(tappedCardLabel(flow, s0, y.state, KEY.skip("ipRulesYear"), ctx)).toBe("已跳过");
    // A forged value on the current card changes nothing, so the card stays as it was.
    const f = startAt(flow, "isAboveScale", ctx).send("继续");
    const s1 = f.state;
    f.press(KEY.answer("isAboveScale", "maybe"));
    expect(tappedCardLabel(flow, s1, f.state, KEY.answer("isAboveScale", "maybe"), ctx)).toBeNull();
    // An optional card question carries 跳过 as its own button.
    const g = startAt(flow, "gbt29490Year", { ...ctx }).send("继续");
    expect(g.replies).toHaveLength(1);
  });
});
