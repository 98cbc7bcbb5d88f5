// containsNul over parsed JSON bodies: finds a NUL anywhere, and deep nesting (a few KB of
// "[[[[…") is an answer, not a stack overflow (which the route turned into a 500).
import { describe, expect, it } from "vitest";
import { containsNul } from "../../src/channels/read-capped-body.ts";

const nest = (n: number, open: string, close: string, inner: string) => JSON.parse(open.repeat(n) + inner + close.repeat(n)) as unknown;

describe("containsNul", () => {
  it("finds a NUL in any string or key, at any depth; none in clean values", () => {
    expect(containsNul("a\u0000b")).toBe(true);
    expect(containsNul({ a: [1, { b: "x\u0000" }] })).toBe(true);
    expect(containsNul({ "k\u0000": 1 })).toBe(true);
    expect(containsNul({ a: [1, null, true, { b: "x" }], c: "中文" })).toBe(false);
    expect(containsNul(null)).toBe(false);
    expect(containsNul(42)).toBe(false);
  });

  it("deeply nested arrays and objects (far past the call stack) do not throw", () => {
    for (const n of [5_000, 40_000]) {
      expect(containsNul(nest(n, "[", "]", "1"))).toBe(false);
      expect(containsNul(nest(n, '{"a":', "}", '"\\u0000"'))).toBe(true);
    }
  });

  it("a wide array is fine too", () => {
    expect(containsNul(JSON.parse(`[${"0,".repeat(60_000)}"\\u0000"]`))).toBe(true);
  });
});
