import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { citedIn, namedInTests, readClauses } from "../../scripts/trace.ts";

const clauses = readClauses(readFileSync(join(import.meta.dirname, "../../docs/standard.md"), "utf8"));
const known = new Set(clauses.map((c) => c.id));

describe("npm run trace", () => {
  it("reads every clause of the standard from the project's own docs/standard.md", () => {
    expect(clauses.map((c) => c.id)).toEqual(expect.arrayContaining(["3.1", "4", "6.3 b", "6.4 a", "6.4 c", "7.1 a", "7.1 g", "7.2.3 b", "7.2.6 c", "8.1", "8.2", "A.1"]));
    expect(new Set(clauses.map((c) => c.id)).size).toBe(clauses.length);
  });

  it("finds clause citations in code in the forms the code uses", () => {
    expect(citedIn("// 7.2.4 b", known)).toEqual(["7.2.4 b"]);
    expect(citedIn("// approvals (6.3 a, A.1 opinions)", known).sort()).toEqual(["6.3 a", "A.1"]);
    expect(citedIn("makes the applicant its manager (6.4 a/b)", known).sort()).toEqual(["6.4 a", "6.4 b"]);
    expect(citedIn("the service catalogue, 7.1 a–g", known)).toHaveLength(7);
    expect(citedIn("clause 4: every need answered", known)).toEqual(["4"]);
    expect(citedIn("retry 4 times in 7.25 s", known)).toEqual([]);
  });

  it("finds clauses named in test titles in the bracket form only", () => {
    const src = `describe("x", () => { it("[7.2.4 b] screens before a fair", () => {}); it("6.3 b without brackets", () => {}); it.each([1])("[8.1, 8.2] loop", () => {}); });`;
    expect(namedInTests(src, known).map((n) => n.clause)).toEqual(["7.2.4 b", "8.1", "8.2"]);
  });
});
