import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/flows/commands.ts";
import {
  matchChoice,
  normalizeMobile,
  normalizeText,
  normalizeUscc,
  parseMultiSelect,
  parseNumberText,
  parseYearText,
  parseYesNo,
  toHalfWidth,
} from "../../src/flows/normalize.ts";

const OPTS = ["管理体系", "高价值", "快速维权", "海外保护", "打击侵权", "高效运用", "其他"].map((label, i) => ({ value: "abcdefg"[i]!, label }));

describe("full-width input from Chinese IMEs", () => {
  it("turns full-width digits, letters and punctuation into half-width", () => {
    expect(toHalfWidth("１２３ＡＢＣａｂｃ，＋８６　！")).toBe("123ABCabc,+86 !");
  });
  it("keeps Chinese punctuation in free text but fixes digits and spaces", () => {
    expect(normalizeText("  中山市（中国）　升平路１号  ")).toBe("中山市（中国） 升平路1号");
  });
});

describe("numbers (万元 fields are in 10k CNY)", () => {
  it.each([
    ["500万元", "万元", 500],
    ["500万", "万元", 500],
    ["500", "万元", 500],
    ["1,200", "万元", 1200],
    ["1,200.5", "万元", 1200.5],
    ["１，２００．５万元", "万元", 1200.5],
    ["1.2亿", "万元", 12000],
    ["5000000元", "万元", 500],
    ["约 300 万元", "万元", 300],
    ["120人", "人", 120],
    ["12件", "件", 12],
    ["3个", "件", 3],
    ["1.2万人", "人", 12000],
    ["-5", "人", -5],
  ])("%s (%s) → %s", (text, unit, n) => {
    expect(parseNumberText(text, unit)).toBe(n);
  });
  it.each(["很多", "1,2", "12a", "", "万元", "1.2.3"])("%s is not a number", (text) => {
    expect(parseNumberText(text, "万元")).toBeNull();
  });
  it("reads years with or without 年", () => {
    expect(parseYearText("2015")).toBe(2015);
    expect(parseYearText("２０１５年")).toBe(2015);
    expect(parseYearText("15年")).toBeNull();
  });
});

describe("yes/no words", () => {
  it.each(["是", "是的", "有", "对", "好", "确认", "y", "YES", "Ｙｅｓ", "1", "ok", "是。"])("%s → yes", (w) => {
    expect(parseYesNo(w)).toBe(true);
  });
  it.each(["否", "不是", "没有", "无", "不", "n", "No", "2", "不对"])("%s → no", (w) => {
    expect(parseYesNo(w)).toBe(false);
  });
  it("accepts a step's own words and rejects the rest", () => {
    expect(parseYesNo("同负责人", { yes: ["同负责人"] })).toBe(true);
    expect(parseYesNo("也许")).toBeNull();
  });
});

describe("multi-select", () => {
  it.each(["1,3,5", "1 3 5", "1、3、5", "135", "1，3，5", "１、３、５", "5,3,1,1", "管理体系、快速维权、打击侵权"])("%s → a, c, e", (t) => {
    expect(parseMultiSelect(t, OPTS, false)).toEqual({ kind: "values", values: ["a", "c", "e"] });
  });
  it("reads 无 as none where allowed, and refuses it mixed with options", () => {
    expect(parseMultiSelect("无", OPTS, true)).toEqual({ kind: "none" });
    expect(parseMultiSelect("都没有", OPTS, true)).toEqual({ kind: "none" });
    expect(parseMultiSelect("1,无", OPTS, true)).toEqual({ kind: "error", reason: "“无”不能和其他选项同时选" });
  });
  it("names the option that does not exist", () => {
    expect(parseMultiSelect("1,9", OPTS, false)).toEqual({ kind: "error", reason: "没有“9”这一项" });
  });
  it("does not split 12 into 1 and 2 when there are more than nine options", () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ value: `o${i + 1}`, label: `选项${i + 1}` }));
    expect(parseMultiSelect("12", many, false)).toEqual({ kind: "values", values: ["o12"] });
  });
});

describe("choices typed as labels", () => {
  const levels = [
    { value: "none", label: "无" },
    { value: "sme", label: "创新型中小企业" },
    { value: "prov", label: "省级专精特新" },
    { value: "giant", label: "国家级专精特新“小巨人”" },
  ];
  it.each([
    ["3", "prov"],
    ["省级专精特新", "prov"],
    ["小巨人", "giant"],
    ["省级", "prov"],
    ["无", "none"],
  ])("%s → %s", (t, v) => {
    expect(matchChoice(t, levels)).toBe(v);
  });
  it("refuses an ambiguous part of a label", () => {
    expect(matchChoice("专精特新", levels)).toBeNull();
  });
  it("maps old town names (东升 merged into 小榄 in 2021)", () => {
    const towns = [
      { value: "t1", label: "小榄" },
      { value: "t2", label: "中山港" },
    ];
    expect(matchChoice("东升镇", towns, { 东升: "小榄" })).toBe("t1");
    expect(matchChoice("小榄镇", towns)).toBe("t1");
  });
});

describe("mobile and USCC cleanup", () => {
  it.each(["13800138000", "138 0013 8000", "138-0013-8000", "+86 13800138000", "+８６１３８００１３８０００", "8613800138000", "0086-138-0013-8000"])("%s", (t) => {
    expect(normalizeMobile(t)).toBe("13800138000");
  });
  it("upper-cases and strips spaces in a USCC", () => {
    expect(normalizeUscc(" 9135 0100 m000-100y43 ")).toBe("91350100M000100Y43");
  });
});

describe("commands in Chinese and English, any case, full-width", () => {
  it.each([
    ["帮助", "help"],
    ["HELP", "help"],
    ["？", "help"],
    ["返回", "back"],
    ["上一步", "back"],
    ["Back", "back"],
    ["跳过", "skip"],
    ["ＳＫＩＰ", "skip"],
    ["取消", "cancel"],
    ["cancel", "cancel"],
    ["继续", "resume"],
    ["Resume", "resume"],
    ["菜单", "menu"],
    ["/menu", "menu"],
  ])("%s → %s", (t, type) => {
    expect(parseCommand(t)).toEqual({ type });
  });
  it.each([
    ["修改 3", "3"],
    ["修改3", "3"],
    ["修改第１２项", "12"],
    ["EDIT 5", "5"],
    ["修改", ""],
    ["修改 企业名称", "企业名称"],
  ])("%s → edit %s", (t, arg) => {
    expect(parseCommand(t)).toEqual({ type: "edit", arg });
  });
  it("leaves answers alone", () => {
    expect(parseCommand("张三")).toBeNull();
    expect(parseCommand("取消订单很多")).toBeNull();
  });
});
