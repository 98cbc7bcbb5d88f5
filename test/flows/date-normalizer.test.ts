// The "date" normalizer and validator flows use for calendar dates (the IP register's dates).
import { describe, expect, it } from "vitest";
import { normalizers, parseDateText, validators } from "../../src/flows/validators.ts";

const now = { now: new Date("2026-11-25T02:00:00Z") };

describe("date normalizer", () => {
  it.each([
    ["2021-06-01", "2021-06-01"],
    ["2021/6/1", "2021-06-01"],
    ["2021.6.1", "2021-06-01"],
    ["2021年6月1日", "2021-06-01"],
    ["2021年6月1", "2021-06-01"],
    [" 2021 年 06 月 01 日 ", "2021-06-01"],
    ["２０２１－０６－０１", "2021-06-01"], // full-width, as IMEs type it
    ["20210601", "2021-06-01"],
    ["2024-02-29", "2024-02-29"],
  ])("%s → %s", (typed, date) => {
    expect(parseDateText(typed)).toBe(date);
    expect(normalizers.date!(typed)).toBe(date);
    expect(validators.date!(normalizers.date!(typed), now)).toBeNull();
  });

  it.each(["2021-02-30", "2023-02-29", "2021-13-01", "2021-00-10", "21-6-1", "6/1/2021", "明天", "", "2021-06", "1800-01-01"])("%s is not a date: left as typed, and the validator says so", (typed) => {
    expect(parseDateText(typed)).toBeNull();
    expect(validators.date!(normalizers.date!(typed), now)).toBe("这不是一个有效的日期");
  });
});
