// Every kind of bad answer gets a specific Chinese error (what is expected + an example) and the
// same question again; after 3 failed tries the engine offers help instead of looping.
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import type { AnswerStep } from "../../src/flows/flow-schema.ts";
import { progressLine } from "../../src/flows/render.ts";
import { cards, HELP, makeCtx, startAt } from "./helpers.ts";

const Q = {
  enterpriseName: "请输入企业名称（与营业执照一致）",
  uscc: "请输入统一社会信用代码（营业执照上的 18 位代码）\n（选填，可回复“跳过”）",
  registeredAddress: "请输入注册地址（与营业执照一致）",
  listingStatus: "企业的上市情况？\n1. 未上市\n2. 主板\n3. 创业板\n4. 科创板\n5. 北交所\n6. 新三板\n7. 境外上市\n回复序号，如 1",
  registeredCapitalWan: "注册资本是多少万元？如 500",
  headcount: "企业现有多少人？如 120",
  isAboveScale: "是否为规上企业（已纳入统计部门规模以上企业名录）？\n请回复“是”或“否”",
  headName: "企业负责人的姓名？",
  headMobile: "负责人的手机号？",
  ipRulesYear: "知识产权管理制度是哪一年建立的？如 2018\n（选填，可回复“跳过”）",
  gbt29490Year: "哪一年通过国家企业知识产权管理规范（GB/T 29490）认证？如 2020\n（选填，可回复“跳过”）",
  demoEnterprise: "是否为知识产权示范企业？\n1. 国家级\n2. 省级\n可多选，回复序号，如 1,2；都没有请回复“无”",
  needs:
    "希望工作室提供哪些服务？\n1. 完善知识产权管理体系建设\n2. 培育布局高价值知识产权\n3. 知识产权快速维权\n4. 提高知识产权海外保护能力\n5. 打击侵犯知识产权行为\n6. 促进知识产权高效运用\n7. 其他\n可多选，回复序号，如 1,3",
} as const;

const USCC_HINT = "请回复营业执照上的 18 位统一社会信用代码，如 91350100M000100Y43";

const CASES: [field: keyof typeof Q, typed: string, error: string][] = [
  ["enterpriseName", "某厂", "太短了，至少 4 个字。请输入营业执照上的企业全称，如 中山市某某科技有限公司"],
  ["enterpriseName", "Apple Inc", "企业名称应为中文全称。请输入营业执照上的企业全称，如 中山市某某科技有限公司"],
  ["enterpriseName", "   ", "请输入营业执照上的企业全称，如 中山市某某科技有限公司"],
  ["uscc", "91350100M000100Y44", `最后一位校验码对不上，可能有字输错了。${USCC_HINT}`],
  ["uscc", "9135010", `统一社会信用代码应为 18 位，您输入了 7 位。${USCC_HINT}`],
  ["uscc", "91350100M000100O43", `代码里只有数字和大写字母，且不含 I、O、Z、S、V。${USCC_HINT}`],
  ["registeredAddress", "小榄", "太短了，至少 6 个字。请输入营业执照上的注册地址，如 中山市小榄镇某某路 1 号"],
  ["listingStatus", "9", "没有第 9 项（共 7 项）。请回复序号或名称（1 未上市、2 主板、3 创业板、4 科创板、5 北交所、6 新三板、7 境外上市），如 1 或“未上市”"],
  ["listingStatus", "还在考虑", "没看懂“还在考虑”。请回复序号或名称（1 未上市、2 主板、3 创业板、4 科创板、5 北交所、6 新三板、7 境外上市），如 1 或“未上市”"],
  ["registeredCapitalWan", "很多", "这不是一个数字。请回复注册资本（万元），如 500 或 1,200.5"],
  ["registeredCapitalWan", "-5", "不能是负数。请回复注册资本（万元），如 500 或 1,200.5"],
  ["registeredCapitalWan", "1.23456", "最多保留 4 位小数。请回复注册资本（万元），如 500 或 1,200.5"],
  ["headcount", "12.5", "请填整数。请回复人数（整数），如 120"],
  ["headcount", "0", "不能小于 1 人。请回复人数（整数），如 120"],
  ["isAboveScale", "也许", "没看懂“也许”。请回复“是”或“否”"],
  ["headName", "张3", "姓名只能是汉字或字母（2–30 个字）。请输入负责人姓名，如 张三"],
  ["headMobile", "1380013800", "手机号是 11 位，您输入了 10 位。请回复 11 位手机号，如 13800138000"],
  ["headMobile", "12800138000", "这不像大陆手机号（应以 13–19 开头）。请回复 11 位手机号，如 13800138000"],
  ["headMobile", "138001380OO", "手机号只能是数字。请回复 11 位手机号，如 13800138000"],
  ["ipRulesYear", "2030", "年份不能晚于今年（2025 年）。请回复 4 位年份，如 2015；没有请回复“没有”"],
  ["ipRulesYear", "1900", "年份不能早于 1949 年。请回复 4 位年份，如 2015；没有请回复“没有”"],
  ["ipRulesYear", "很早了", "没看懂“很早了”里的年份。请回复 4 位年份，如 2015；没有请回复“没有”"],
  ["gbt29490Year", "2010", "年份不能早于 2013 年。请回复 4 位年份，如 2015；没有请回复“没有”"],
  ["demoEnterprise", "1,5", "没有“5”这一项。可多选，请回复序号或名称（1 国家级、2 省级），如 1,2；都没有请回复“无”"],
  ["demoEnterprise", "1,无", "“无”不能和其他选项同时选。可多选，请回复序号或名称（1 国家级、2 省级），如 1,2；都没有请回复“无”"],
  ["needs", "无", "没有“无”这一项，请至少选一项。可多选，请回复序号或名称（1 完善知识产权管理体系建设、2 培育布局高价值知识产权、3 知识产权快速维权、4 提高知识产权海外保护能力、5 打击侵犯知识产权行为、6 促进知识产权高效运用、7 其他），如 1,3"],
];

describe("bad answers: specific error, then the same question", () => {
  it.each(CASES)("%s ← %j", (field, typed, error) => {
    const d = startAt(flow, field);
    d.send(typed);
    expect(d.state.cursor).toBe(field);
    expect(d.state.answers).not.toHaveProperty(field);
    expect(d.state.failures[field]).toBe(1);
    // One message: the error, then the question with where it is in the form.
    const step = flow.steps.find((st) => st.id === field)!;
    expect(d.replies).toEqual([{ kind: "text", text: `${error}\n\n${progressLine(flow, d.state, step as AnswerStep)}\n${Q[field]}` }]);
  });

  it("clears the failure count after a good answer", () => {
    const d = startAt(flow, "headcount");
    d.send("很多").send("120");
    expect(d.state.failures).toEqual({});
  });
});

describe("3 failed tries → help offer instead of the same text", () => {
  it("offers the help contact and the ways out (required step)", () => {
    const d = startAt(flow, "headMobile");
    d.send("123").send("456");
    expect(d.lastText).toContain(Q.headMobile);
    d.send("789");
    expect(d.state.failures.headMobile).toBe(3);
    expect(d.replies).toEqual([
      {
        kind: "text",
        text: [
          "这一题好像不太好填，需要帮忙吗？",
          "本题要求：手机号是 11 位，您输入了 3 位。请回复 11 位手机号，如 13800138000",
          `· 可联系${HELP}`,
          "· 本题必填；可回复“返回”修改上一题",
          "· 回复“取消”可暂停申请，已填内容会保留",
        ].join("\n"),
      },
    ]);
    // Still on the same question: a good answer goes on.
    d.send("13800138000");
    expect(d.state.cursor).toBe("contactSameAsHead");
  });

  it("says an optional step can be skipped", () => {
    const d = startAt(flow, "ipRulesYear");
    d.send("x").send("y").send("z");
    expect(d.lastText).toContain("· 本题选填，可回复“跳过”");
  });
});

describe("button-mode errors", () => {
  it("puts the error inside the card when the question is a card (one message)", () => {
    const d = startAt(flow, "specialisedLevel", makeCtx(true));
    d.send("专精特新"); // matches two options: ambiguous
    expect(d.replies).toHaveLength(1);
    // The reason first, then where the question is in the form; the options stay its buttons.
    expect(cards(d.replies)[0]!.description).toMatch(/^[^\n]*“专精特新”[^\n]*\n第 10\/27 题 · 重点企业情况$/);
    expect(cards(d.replies)[0]!.buttons).toHaveLength(4);
  });
});
