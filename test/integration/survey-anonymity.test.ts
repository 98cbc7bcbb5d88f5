// 8.1 anonymity: who answered (needed for reminders) is stored apart from what was answered. After
// an anonymous answer typed in chat, every row of every table that holds the answer (its comment,
// the response's id) is read back: none names the person, their WeCom account or their invitation.
// The same scan finds the link for a named answer — so the scan itself can fail.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { operatingStudio, requestService, tap } from "../support/operating-studio.ts";
import type { WecomHarness } from "../support/wecom-harness.ts";

const at = (date: string, time = "10:00") => new Date(`${date}T${time}:00+08:00`);
let h: WecomHarness;
afterEach(async () => {
  await h?.close();
  h = undefined as unknown as WecomHarness; // closed: the next test opens its own
});

/** Every row of every table, as JSON text, with its table's name. */
async function everyRow(): Promise<{ table: string; row: string }[]> {
  const prisma = h.t.db.prisma;
  // PostgreSQL tests run in a schema of their own (the URL's ?schema=).
  const schema = new URL(h.t.url).searchParams.get("schema") ?? "public";
  const tables =
    h.t.provider !== "postgresql"
      ? (await prisma.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)).map((t) => t.name)
      : (await prisma.$queryRawUnsafe<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, schema)).map((t) => t.tablename);
  expect(tables).toContain("SurveyResponse");
  const out: { table: string; row: string }[] = [];
  for (const table of tables) {
    const from = h.t.provider !== "postgresql" ? `"${table}"` : `"${schema}"."${table}"`;
    for (const row of await prisma.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM ${from}`)) out.push({ table, row: JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) });
  }
  return out;
}

/** A closed service, its survey sent, and the survey answered by applicant1 by typing. */
async function answered(anonymous: boolean, comment: string) {
  ({ h } = await operatingStudio({ start: at("2026-10-12", "09:00") }));
  await requestService(h, 4, 2);
  await tap(h, "liuyang", "受理", "sr-");
  await h.text("liuyang", "办结 已出具风险排查报告");
  h.clock.set(at("2026-10-12", "11:00"));
  expect(await h.runtime.domain.surveys.sendDue(h.clock.now())).toEqual({ sent: 1, deferred: 0 });
  await h.settle();
  h.clock.set(at("2026-10-12", "14:00"));
  await h.text("applicant1", anonymous ? "匿名评价" : "评价");
  for (const answer of ["2", "2分", "三", "5"]) await h.text("applicant1", answer);
  await h.text("applicant1", comment);
  const person = await h.t.db.prisma.person.findFirstOrThrow({ where: { identities: { some: { externalId: "applicant1" } } } });
  const response = await h.t.db.prisma.surveyResponse.findFirstOrThrow();
  const invitation = await h.t.db.prisma.surveyInvitation.findFirstOrThrow();
  return { person, response, invitation };
}

describe("[8.1] anonymous answers", () => {
  it("[8.1] no row holding an anonymous answer names its author, the author's account or invitation; the answer's events are redacted", async () => {
    const comment = "匿名意见：受理太慢了-7F3A";
    const { person, response, invitation } = await answered(true, comment);
    expect(response).toMatchObject({ anonymous: true, personId: null, overall: 2, timeliness: 2, professionalism: 3, recommend: 5, comment, answeredOn: "2026-10-12" });
    expect(invitation).toMatchObject({ personId: person.id, answeredOn: "2026-10-12" });
    const holding = (await everyRow()).filter((r) => r.row.includes(comment) || r.row.includes(response.id));
    // The response itself and the follow-up it opened (recommend 5 ≤ 6) and the officer's card in the outbox.
    expect(new Set(holding.map((r) => r.table))).toEqual(new Set(["SurveyResponse", "FollowUp", "OutboxMessage"]));
    for (const r of holding) {
      expect(r.row, r.table).not.toContain(person.id);
      expect(r.row, r.table).not.toContain("applicant1");
      expect(r.row, r.table).not.toContain(invitation.id);
    }
    // The messages applicant1 sent while answering keep their shape, not their content.
    const events = await h.t.db.prisma.inboundEvent.findMany({ where: { userId: "applicant1", receivedAt: { gte: at("2026-10-12", "14:00") } } });
    expect(events.length).toBeGreaterThanOrEqual(5);
    expect(events.map((e) => e.payloadJson).join("\n")).not.toContain("受理太慢");
    expect(events.filter((e) => e.payloadJson.includes("内容已隐去")).length).toBeGreaterThanOrEqual(5);
    // The session that asked keeps no answers, and its last input is gone.
    const sessions = await h.t.db.prisma.conversationSession.findMany({ where: { flowId: "service-survey" } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.stateJson).not.toContain("受理太慢");
    expect(sessions[0]!.lastInput).toBeNull();
  });

  it("[8.1] a named answer is linked to its author (the same scan finds it)", async () => {
    const comment = "实名意见：希望多来企业走访-9C1D";
    const { person, response } = await answered(false, comment);
    expect(response).toMatchObject({ anonymous: false, personId: person.id });
    const holding = (await everyRow()).filter((r) => r.row.includes(comment));
    expect(holding.some((r) => r.table === "SurveyResponse" && r.row.includes(person.id))).toBe(true);
  });

  it("[8.1] the schema keeps them apart: a response has no relation to a person or an invitation, an invitation keeps no time of answering", () => {
    const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    const model = (name: string) => /\{([^}]*)\}/.exec(schema.slice(schema.indexOf(`model ${name} {`)))![1]!;
    expect(model("SurveyResponse")).not.toMatch(/\b(Person|SurveyInvitation|invitationId)\b/);
    expect(model("SurveyInvitation")).not.toMatch(/\b(SurveyResponse|responseId|answeredAt)\b/);
    expect(model("SurveyResponse")).not.toMatch(/DateTime/); // the day only: no time to join on
  });
});
