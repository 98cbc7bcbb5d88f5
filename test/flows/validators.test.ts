import { describe, expect, it } from "vitest";
import { chinaYear, isValidUscc, usccCheckChar, usccProblem, validators } from "../../src/flows/validators.ts";

// GB 32100-2015 统一社会信用代码.
describe("USCC check character", () => {
  // The standard's own worked example, as published in hutool's CreditCodeUtilTest and elsewhere.
  it("accepts the published example 91350100M000100Y43", () => {
    expect(usccCheckChar("91350100M000100Y4")).toBe("3");
    expect(isValidUscc("91350100M000100Y43")).toBe(true);
  });

  // Codes of real enterprises as widely published; a wrong one would pass by chance 1 time in 31.
  it.each([
    "91440300708461136T", // 深圳市腾讯计算机系统有限公司
    "914403001922038216", // 华为技术有限公司
    "91440400192548256N", // 珠海格力电器股份有限公司
    "91440606722473344C", // 美的集团股份有限公司
    "91110108551385082Q",
    "51610700305332460K", // 5: 民政 (a social organisation)
    "11610923MB2900168E", // 1: 机构编制 (a public institution)
    "91341000MA2N0ABGXX", // check character X
  ])("accepts %s", (code) => {
    expect(usccProblem(code)).toBeNull();
  });

  it("rejects a wrong check character", () => {
    expect(usccProblem("91350100M000100Y44")).toBe("最后一位校验码对不上，可能有字输错了");
    // Two codes published as "to be debugged" next to valid ones: both fail the check.
    expect(isValidUscc("91350200M000000510")).toBe(false);
    expect(isValidUscc("91350128M00000019A")).toBe(false);
  });

  it("rejects wrong length, letters the code never uses, and a bad region part", () => {
    expect(usccProblem("9135010")).toBe("统一社会信用代码应为 18 位，您输入了 7 位");
    expect(usccProblem("91350100M000100I43")).toBe("代码里只有数字和大写字母，且不含 I、O、Z、S、V");
    expect(usccProblem("9135A100M000100Y43")).toBe("代码格式不对（第 3–8 位应为行政区划数字）");
  });

  it("maps a remainder of 0 to check character 0, not 31", () => {
    expect(usccCheckChar("00000000000000000")).toBe("0");
  });
});

describe("named validators", () => {
  const ctx = { now: new Date("2025-06-01T10:00:00+08:00") };
  it("checks mainland mobiles", () => {
    expect(validators.mobile!("13800138000", ctx)).toBeNull();
    expect(validators.mobile!("12800138000", ctx)).toBe("这不像大陆手机号");
  });
  it("checks names", () => {
    expect(validators.personName!("张三", ctx)).toBeNull();
    expect(validators.personName!("阿卜杜·热合曼", ctx)).toBeNull();
    expect(validators.personName!("张三123", ctx)).toBe("姓名只能是汉字或字母（2–30 个字）");
  });
  it("uses the year in China, not the server's time zone", () => {
    // 2025-12-31T17:00Z is already 2026-01-01 in Zhongshan.
    expect(chinaYear(new Date("2025-12-31T17:00:00Z"))).toBe(2026);
    expect(validators.notFutureYear!(2026, { now: new Date("2025-12-31T17:00:00Z") })).toBeNull();
  });
});
