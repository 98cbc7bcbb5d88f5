import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeSent } from "../fakes/fake-wecom-api.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";
import { typedAnswers } from "../support/journey.ts";

// 6.2 / A.1: the summary before submitting, on a phone: one card per section with its own 修改,
// internal steps hidden, and after an edit only the section that changed, marked 已修改.
type Tc = { task_id: string; main_title: { title: string }; sub_title_text?: string; horizontal_content_list?: { keyname: string; value: string }[]; button_list: { key: string; text: string }[] };
const card = (s: FakeSent) => s.templateCard as unknown as Tc;
const shown = (c: Tc) => [c.main_title.title, c.sub_title_text ?? "", ...(c.horizontal_content_list ?? []).map((f) => `${f.keyname}：${f.value}`)].join("\n");

describe("[6.2][A.1] the summary by sections", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** The whole form; the last answer a minute later, so the summary is not held by the per-member cap. */
  async function fillForm(user: string): Promise<number> {
    await h.text(user, "申请工作室");
    const answers = typedAnswers();
    for (const a of answers.slice(0, -1)) await h.text(user, a);
    h.clock.advance(60_000);
    await h.settle();
    const before = h.to(user).length;
    await h.text(user, answers.at(-1)!);
    return before;
  }

  it("[A.1] sends one card per section with a 修改 button, and hides internal steps", async () => {
    const before = await fillForm("sum-a");
    // The last answer's replies: the section cards, then the submit card.
    const sent = h.to("sum-a").slice(before);
    expect(sent).toHaveLength(9);
    const sections = sent.filter((s) => s.msgtype === "template_card" && card(s).button_list.some((b) => b.key.startsWith("flow:@section:")));
    expect(sections.map((s) => card(s).main_title.title)).toEqual(["1/8 企业基本信息", "2/8 重点企业情况", "3/8 负责人与联系人", "4/8 知识产权组织", "5/8 荣誉资质", "6/8 有效知识产权数量", "7/8 申请需求", "8/8 负责人确认"]);
    for (const s of sections) expect(card(s).button_list).toEqual([expect.objectContaining({ text: "修改" })]);
    const all = sections.map((s) => shown(card(s))).join("\n");
    expect(all).toContain("负责人：张三");
    expect(all).toContain("联系人：李四");
    // Internal steps steer the form; the summary does not show them.
    expect(all).not.toContain("联系人同负责人");
    expect(all).not.toContain("负责人确认方式");
    // The submit card comes last.
    expect(card(h.to("sum-a").at(-1)!).button_list.map((b) => b.text)).toEqual(["确认提交", "修改", "取消申请"]);
  });

  it("[A.1] 修改 on a section lists its fields; after the edit only that section comes back, marked 已修改", async () => {
    await fillForm("sum-b");
    const people = h.to("sum-b").find((s) => s.msgtype === "template_card" && card(s).button_list.some((b) => b.key === "flow:@section:people"))!;
    await h.click("sum-b", "flow:@section:people", card(people).task_id);
    const chooser = h.to("sum-b").at(-1)!;
    // 负责人、职务、手机、联系人同负责人、联系人、职务、手机: 7 fields, more than one card holds.
    expect(chooser.content).toContain("修改「负责人与联系人」的哪一项？");
    expect(chooser.content).toMatch(/15\. 负责人手机：13800138000/);
    await h.text("sum-b", "15");
    expect(h.to("sum-b").at(-1)!.content).toContain("负责人的手机号？");
    const mark = h.to("sum-b").length;
    await h.text("sum-b", "13900001111");
    const after = h.to("sum-b").slice(mark);
    const sectionCards = after.filter((s) => s.msgtype === "template_card" && card(s).button_list.some((b) => b.key.startsWith("flow:@section:")));
    expect(sectionCards).toHaveLength(1);
    const c = shown(card(sectionCards[0]!));
    expect(c).toContain("3/8 负责人与联系人");
    expect(c).toContain("已修改");
    expect(c).toContain("13800138000 → 13900001111");
    await h.text("sum-b", "确认提交");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app).toMatchObject({ headMobile: "13900001111", status: "IN_REVIEW" });
  });

  it("[A.1] a section of few fields gets field buttons; a channel without cards gets the whole text", async () => {
    await fillForm("sum-c");
    const ipOrg = h.to("sum-c").find((s) => s.msgtype === "template_card" && card(s).button_list.some((b) => b.key === "flow:@section:honours"))!;
    await h.click("sum-c", "flow:@section:honours", card(ipOrg).task_id);
    const chooser = card(h.to("sum-c").at(-1)!);
    expect(chooser.main_title.title).toBe("修改「荣誉资质」的哪一项？");
    expect(chooser.button_list.map((b) => b.key)).toEqual(["flow:@field:demoEnterprise", "flow:@field:advantageEnterprise", "flow:@field:highTechYear", "flow:@field:patentAward"]);
    await h.click("sum-c", "flow:@field:highTechYear", chooser.task_id);
    expect(h.to("sum-c").at(-1)!.content).toContain("国家高新技术企业");

    // The web channel has buttons too; a plain-text channel is covered by the engine: the
    // engine's text summary (no buttons) still lists every section with numbers.
    const { startFlow } = await import("../../src/flows/engine.ts");
    const { studioApplicationFlow } = await import("../../bot-flows/studio-application.ts");
    const { HAPPY_ANSWERS, makeCtx } = await import("../flows/helpers.ts");
    const r = startFlow(studioApplicationFlow, makeCtx(false), { prefill: HAPPY_ANSWERS });
    const text = r.replies.map((m) => (m.kind === "text" ? m.text : "")).join("\n");
    expect(text).toContain("【负责人与联系人】");
    expect(text).toContain("15. 负责人手机：13800138000");
    expect(text).not.toContain("联系人同负责人");
    expect(r.replies.every((m) => m.kind === "text")).toBe(true);
  });
});
