// Summary edits, revision (onlyFields) mode, buttons vs numbered lists, stale buttons,
// versioning, reminders.
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { FlowVersionMismatchError, KEY, nudgeMessage, startFlow, step } from "../../src/flows/engine.ts";
import { cards, Driver, HAPPY_ANSWERS, makeCtx, startAt, townId } from "./helpers.ts";

const summaryOf = (ctx = makeCtx()) => new Driver(flow, ctx, { prefill: HAPPY_ANSWERS });

describe("[A.1] summary grouped by section", () => {
  it("starts at the summary when everything is filled", () => {
    const d = summaryOf();
    expect(d.state.mode).toBe("summary");
    expect(d.out).toContain("【负责人与联系人】\n13. 负责人：张三");
  });

  it("edits field N by number or 修改 N, then returns to the summary", () => {
    const d = summaryOf();
    d.send("12");
    expect(d.state.cursor).toBe("isIpKeyProtection");
    expect(d.lastText).toBe("第 12/32 题 · 重点企业情况\n是否列入知识产权重点保护企业名录？\n当前：否（回复新内容即可修改）\n请回复“是”或“否”");
    d.send("是");
    expect(d.state.mode).toBe("summary");
    expect(d.out).toContain("12. 知识产权重点保护企业：是");
    d.send("修改 6").send("800");
    expect(d.state.mode).toBe("summary");
    expect(d.state.answers.registeredCapitalWan).toBe(800);
  });

  it("asks questions an edit switches on, then returns to the summary", () => {
    const d = new Driver(flow, makeCtx(), {
      prefill: { ...HAPPY_ANSWERS, contactSameAsHead: true, contactName: undefined as never, contactTitle: undefined as never, contactMobile: undefined as never },
    });
    d.send("修改 16").send("否");
    expect(d.state.cursor).toBe("contactName");
    d.send("李四").send("专员").send("13912345678");
    expect(d.state.mode).toBe("summary");
    expect(d.out).toContain("17. 联系人：李四");
  });

  it("drops answers an edit switches off from the submitted answers", () => {
    const d = summaryOf();
    d.send("修改 37").send("1,3");
    expect(d.state.mode).toBe("summary");
    expect(d.out).not.toContain("其他需求");
    d.send("确认");
    const cmd = d.commands[0];
    expect(cmd?.type === "submit" && cmd.answers).not.toHaveProperty("needsOther");
    expect(cmd?.type === "submit" && cmd.answers.needs).toEqual(["a", "c"]);
  });

  it("has submit / edit / cancel buttons where the channel has them", () => {
    const d = summaryOf(makeCtx(true));
    const card = cards(d.replies).at(-1)!;
    expect(card.buttons.map((b) => b.key)).toEqual([KEY.submit, KEY.edit, KEY.cancel]);
    d.press(KEY.edit);
    expect(d.lastText).toBe("请回复要修改的序号，如“修改 3”或直接回复“3”。");
    expect(d.state.mode).toBe("summary");
    d.press(KEY.cancel);
    expect(d.state.mode).toBe("confirm-cancel");
    d.send("否");
    expect(d.state.mode).toBe("summary");
  });

  it("answers an unknown reply with the hint, not the whole summary", () => {
    const d = summaryOf();
    d.send("你好");
    expect(d.replies).toEqual([
      { kind: "text", text: "没看懂您的回复。" },
      { kind: "text", text: "确认无误请回复“确认提交”；需要修改请回复序号，如“修改 3”。" },
    ]);
  });

  it("keeps every message under WeCom's 2048-byte limit", () => {
    const d = summaryOf();
    for (const m of d.replies) if (m.kind === "text") expect(new TextEncoder().encode(m.text).length).toBeLessThan(2048);
    expect(d.replies.filter((m) => m.kind === "text").length).toBeGreaterThan(1);
  });

  it("answers sensibly after submit", () => {
    const d = summaryOf();
    d.send("确认提交").send("确认提交");
    expect(d.commands).toEqual([]);
    expect(d.lastText).toContain("申请已提交，请耐心等待审核结果");
  });
});

describe("onlyFields (an officer returned the application)", () => {
  const start = () =>
    new Driver(flow, makeCtx(), {
      prefill: HAPPY_ANSWERS,
      onlyFields: ["hasIpDepartment", "registeredCapitalWan"],
      notice: "注册资本与营业执照不符",
    });

  it("shows the opinion, asks only those fields in flow order, then the summary", () => {
    const d = start();
    expect(d.replies[0]).toEqual({
      kind: "text",
      text:
        "您的申请已退回修改。\n审核意见：注册资本与营业执照不符\n需要修改：注册资本、设有知识产权部门（共 2 项）\n\n" +
        "注册资本是多少万元？如 500\n当前：500 万元（回复新内容即可修改）",
    });
    d.send("600");
    expect(d.state.cursor).toBe("hasIpDepartment");
    d.send("否");
    expect(d.state.mode).toBe("summary");
    expect(d.lastText).toBe("确认无误请回复“确认提交”；需要修改请回复序号（本次可修改第 6、20 项），如“修改 3”。");
  });

  it("refuses other fields and submits with revisedFields", () => {
    const d = start();
    d.send("600").send("否");
    d.send("1");
    expect(d.lastText).toBe("这一项本次不需要修改（本次可修改第 6、20 项）。");
    d.send("确认提交");
    const cmd = d.commands[0];
    expect(cmd).toMatchObject({ type: "submit", revisedFields: ["registeredCapitalWan", "hasIpDepartment"] });
    expect(cmd?.type === "submit" && cmd.answers.registeredCapitalWan).toBe(600);
    expect(cmd?.type === "submit" && cmd.answers).not.toHaveProperty("ipDepartmentName");
  });

  it("asks a field the revision switches on", () => {
    const d = new Driver(flow, makeCtx(), { prefill: { ...HAPPY_ANSWERS, hasIpDepartment: false, ipDepartmentName: undefined as never }, onlyFields: ["hasIpDepartment"] });
    d.send("是");
    expect(d.state.cursor).toBe("ipDepartmentName");
    d.send("法务部");
    expect(d.state.mode).toBe("summary");
  });

  it("rejects unknown fields up front", () => {
    expect(() => startFlow(flow, makeCtx(), { onlyFields: ["nope"] })).toThrow(/unknown fields/);
  });
});

describe("buttons vs numbered lists by capability", () => {
  it("sends options as card buttons when they fit, numbered as errors name them", () => {
    const d = startAt(flow, "specialisedLevel", makeCtx(true, 6));
    const card = cards(d.replies)[0]!;
    expect(card.id).toBe("studio-application-specialisedLevel-1");
    expect(card.buttons.map((b) => [b.key, b.label])).toEqual([
      ["flow:specialisedLevel:none", "1 无"],
      ["flow:specialisedLevel:sme-innovative", "2 创新型中小企业"],
      ["flow:specialisedLevel:provincial", "3 省级专精特新"],
      ["flow:specialisedLevel:little-giant", "4 国家级专精特新“小巨人”"],
    ]);
    d.press("flow:specialisedLevel:provincial");
    expect(d.state.answers.specialisedLevel).toBe("provincial");
  });

  it("uses a numbered list when the options do not fit or there are no buttons", () => {
    for (const ctx of [makeCtx(true, 3), makeCtx(false)]) {
      const d = startAt(flow, "specialisedLevel", ctx);
      expect(cards(d.replies)).toEqual([]);
      expect(d.lastText.endsWith("1. 无\n2. 创新型中小企业\n3. 省级专精特新\n4. 国家级专精特新“小巨人”\n回复序号，如 1")).toBe(true);
      d.send("3");
      expect(d.state.answers.specialisedLevel).toBe("provincial");
    }
  });

  it("keeps card ids unique per send and deterministic", () => {
    const d = startAt(flow, "isAboveScale", makeCtx(true));
    const first = cards(d.replies)[0]!.id;
    d.send("也许");
    const second = cards(d.replies)[0]!.id;
    expect(first).toBe("studio-application-isAboveScale-1");
    expect(second).toBe("studio-application-isAboveScale-2");
    const again = startAt(flow, "isAboveScale", makeCtx(true));
    expect(again.replies).toEqual(startAt(flow, "isAboveScale", makeCtx(true)).replies);
  });

  it("multi-choice is a numbered list with a button for none, in one card", () => {
    const d = startAt(flow, "demoEnterprise", makeCtx(true)).send("继续"); // without the long intro in front
    expect(d.replies).toHaveLength(1);
    expect(cards(d.replies)[0]!.description).toContain("1. 国家级\n2. 省级\n可多选，回复序号，如 1,2；都没有请回复“无”");
    expect(cards(d.replies)[0]!.buttons).toEqual([{ key: "flow:demoEnterprise:@none", label: "无" }]);
    d.send("1 2");
    expect(d.state.answers.demoEnterprise).toEqual(["national", "provincial"]);
  });
});

describe("stale button keys", () => {
  it("answers a key of an answered step kindly, naming the answer, and re-asks the current question", () => {
    const d = startAt(flow, "headcount", makeCtx(true));
    d.press("flow:listingStatus:star");
    expect(d.state.cursor).toBe("headcount");
    expect(d.state.answers.listingStatus).toBe("main-board");
    expect(d.state.failures).toEqual({});
    expect(d.replies).toEqual([{ kind: "text", text: "“上市情况”已经答过了（主板），不用再点。如需修改请回复“修改 5”。请回答当前问题：\n\n第 7/27 题 · 企业基本信息\n企业现有多少人？如 120" }]);
  });

  it("treats summary keys, unknown values and foreign keys as stale", () => {
    for (const key of [KEY.submit, "flow:specialisedLevel:bogus", "approve:123"]) {
      const d = startAt(flow, "specialisedLevel", makeCtx(true));
      d.press(key);
      expect(d.state.cursor).toBe("specialisedLevel");
      expect(d.replies).toHaveLength(1);
      expect(cards(d.replies)[0]!.description).toBe("这张卡片已经处理过了，不用再点。请回答当前问题：\n第 10/27 题 · 重点企业情况");
    }
  });

  it("does not submit from a stale question key on the summary", () => {
    const d = summaryOf(makeCtx(true));
    d.press("flow:isHeadSelf:no");
    expect(d.state.mode).toBe("summary");
    expect(d.replies).toHaveLength(1);
    expect(cards(d.replies)[0]!.description).toMatch(/^“申请人是负责人本人”已经答过了（是，我是负责人），不用再点。如需修改请回复“修改 \d+”。\n/);
  });
});

describe("town suggested from the registered address", () => {
  it.each([
    ["中山市小榄镇升平路1号", "小榄"],
    ["中山市东升镇裕民大道1号", "小榄"],
    ["中山市火炬开发区会展东路1号", "中山港"],
    ["中山港口镇兴港中路1号", "港口"],
    ["广东省中山市东区中山四路1号", "东区"],
  ])("%s → %s", (address, town) => {
    const d = startAt(flow, "townId", makeCtx(), { registeredAddress: address });
    expect(d.out).toContain(`属于${town}，对吗？回复“是”确认，或回复“选择其他”`);
    expect(d.out).not.toContain("1. "); // no list of 23 towns
    d.send("是");
    expect(d.state.answers.townId).toBe(townId(town));
    expect(d.out).toMatch(new RegExp(`^已选：${town}\n\n`)); // said back inside the next question
  });

  it("lets the person pick another town after 否", () => {
    const d = startAt(flow, "townId", makeCtx(), { registeredAddress: "中山市小榄镇升平路1号" });
    d.send("否");
    expect(d.out.startsWith("第 4/27 题 · 企业基本信息\n企业属于哪个镇街？")).toBe(true);
    expect(d.out).toContain("14. 古镇");
    expect(d.state.failures).toEqual({});
    d.send("14");
    expect(d.state.answers.townId).toBe(townId("古镇"));
  });

  it("suggests nothing when the address names no town, and accepts a typed name", () => {
    const d = startAt(flow, "townId", makeCtx(), { registeredAddress: "中山市某某路1号" });
    expect(d.out).not.toContain("根据注册地址");
    d.send("古镇镇");
    expect(d.state.answers.townId).toBe(townId("古镇"));
  });
});

describe("versioning", () => {
  it("refuses a state saved under another version with a typed error", () => {
    const { state } = startFlow(flow, makeCtx());
    const v2 = { ...flow, version: 2, migrateState: (s: unknown) => s };
    expect(() => step(v2, state, { kind: "text", text: "x" }, makeCtx())).toThrow(FlowVersionMismatchError);
    try {
      step(v2, state, { kind: "text", text: "x" }, makeCtx());
    } catch (e) {
      expect(e).toMatchObject({ code: "flow_version_mismatch", expectedVersion: 2, stateVersion: 1 });
    }
    expect(() => step({ ...flow, id: "other" }, state, { kind: "text", text: "x" }, makeCtx())).toThrow(FlowVersionMismatchError);
  });
});

describe("reminders for abandoned sessions", () => {
  it("says how far along and how to go on", () => {
    const d = startAt(flow, "headcount");
    expect(nudgeMessage(flow, d.state)).toMatch(/^您的「知识产权流动工作室申请」还没填完（已填 6\/\d+ 项），已填内容都保存着。回复“继续”接着填，回复“取消”可放弃。$/);
    expect(nudgeMessage(flow, summaryOf().state)).toBe("您的「知识产权流动工作室申请」已填完，还差最后一步：核对并提交。回复“继续”查看。");
    d.send("取消").send("是");
    expect(nudgeMessage(flow, d.state)).toBeNull();
  });

  it("resets the nudge count on any input", () => {
    const d = startAt(flow, "headcount");
    const r = step(flow, { ...d.state, nudges: 2 }, { kind: "text", text: "继续" }, makeCtx());
    expect(r.state.nudges).toBe(0);
  });
});
