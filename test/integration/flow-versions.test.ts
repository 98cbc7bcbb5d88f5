import { afterEach, describe, expect, it } from "vitest";
import { studioApplicationFlow as v1 } from "../../bot-flows/studio-application.ts";
import type { FlowDefinition } from "../../src/flows/flow-schema.ts";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// A new version of a flow never breaks sessions in progress: they finish on their version,
// or the new version's declared migrateState moves them.
const renamed = (f: FlowDefinition, version: number, extra: Partial<FlowDefinition> = {}): FlowDefinition => ({
  ...f,
  version,
  steps: f.steps.map((s) => (s.id === "headcount" ? { ...s, prompt: `【v${version}】企业现有多少人？` } : s)),
  ...extra,
});

describe("flow versions", () => {
  let h: WecomHarness;
  afterEach(async () => {
    await h.close();
  });

  it("finishes a session on the version it started with after v2 is deployed", async () => {
    h = await createWecomHarness({ flows: [v1] });
    await h.text("old", "申请工作室");
    for (const [, typed] of HAPPY.slice(0, 6)) await h.text("old", typed); // up to registeredCapitalWan
    h.restart({ flows: [v1, renamed(v1, 2)] });
    await h.text("new", "申请工作室");
    for (const [, typed] of HAPPY.slice(0, 6)) await h.text("new", typed);
    const lastOf = (u: string) => h.to(u).at(-1)?.content ?? "";
    // The question under its progress line (第 n/m 题 · section).
    expect(lastOf("old")).toMatch(/^第 \d+\/\d+ 题 · 企业基本信息\n企业现有多少人？如 120$/); // v1's question
    expect(lastOf("new")).toMatch(/^第 \d+\/\d+ 题 · 企业基本信息\n【v2】企业现有多少人？$/); // a new session starts on v2
    for (const [, typed] of HAPPY.slice(6)) await h.text("old", typed);
    await h.text("old", "确认提交");
    expect(await h.t.db.prisma.application.count()).toBe(1);
    const sessions = await h.t.db.prisma.conversationSession.findMany({ orderBy: { createdAt: "asc" } });
    expect(sessions.map((s) => [s.flowVersion, s.status])).toEqual([
      [1, "DONE"],
      [2, "ACTIVE"],
    ]);
  });

  it("moves a session through migrateState when its version is gone", async () => {
    h = await createWecomHarness({ flows: [v1] });
    await h.text("u", "申请工作室");
    for (const [, typed] of HAPPY.slice(0, 6)) await h.text("u", typed);
    const migrations: number[] = [];
    h.restart({ flows: [renamed(v1, 3, { migrateState: (state, from) => (migrations.push(from), state) })] });
    await h.text("u", "继续");
    expect(migrations).toEqual([1]);
    expect(h.to("u").at(-1)?.content).toContain("【v3】企业现有多少人？");
    await h.text("u", "120");
    const s = await h.t.db.prisma.conversationSession.findFirstOrThrow();
    expect(s.flowVersion).toBe(3);
    expect(JSON.parse(s.stateJson)).toMatchObject({ flowVersion: 3, answers: { headcount: 120, registeredCapitalWan: 500 } });
  });
});
