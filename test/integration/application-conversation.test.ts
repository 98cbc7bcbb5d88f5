import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// Scripted whole conversations through the real WeCom route and fake API (6.2, A.1).
const typed = (field: string) => {
  const t = HAPPY.find(([f]) => f === field)![1];
  return field === "townId" ? "是" : t;
};
const lastText = (h: WecomHarness, user: string) => {
  const m = h.to(user).filter((s) => s.msgtype !== "template_card").at(-1);
  return m?.content ?? "";
};

describe("the application conversation over WeCom", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("handles bad answers, back, skip, edit, cancel and resume, a restart, and two people at once", async () => {
    const users = ["ua", "ub"] as const;
    for (const u of users) await h.text(u, "申请工作室");
    const fields = HAPPY.map(([f]) => f);
    for (const field of fields) {
      for (const u of users) {
        // Person A makes mistakes on the way; person B answers straight.
        if (u === "ua" && field === "headMobile") {
          await h.text(u, "1380013800");
          expect(lastText(h, u)).toBe("手机号是 11 位，您输入了 10 位。请回复 11 位手机号，如 13800138000\n\n第 15/27 题 · 负责人与联系人\n负责人的手机号？");
        }
        if (u === "ua" && field === "registeredCapitalWan") {
          for (const bad of ["很多", "-5", "abc"]) await h.text(u, bad);
          expect(lastText(h, u)).toContain("需要帮忙吗？");
          expect(lastText(h, u)).toContain("中山市市场监督管理局知识产权科");
          await h.text(u, "返回"); // back to 上市情况, which shows its current answer
          await h.text(u, "2");
        }
        if (u === "ua" && field === "headName") {
          await h.text(u, "取消");
          await h.text(u, "是"); // confirms the cancel; the draft is kept
          expect(lastText(h, u)).toContain("继续");
          h.restart(); // a redeploy while A is away
          await h.text(u, "继续");
        }
        if (u === "ua" && field === "gbt29490Year") {
          await h.text(u, "跳过");
          continue;
        }
        await h.text(u, typed(field));
      }
    }
    // A edits the headcount from the summary, by number.
    await h.text("ua", "7");
    await h.text("ua", "150");
    for (const u of users) await h.text(u, "确认提交");

    const apps = await h.t.db.prisma.application.findMany({ include: { enterprise: true }, orderBy: { headcount: "asc" } });
    expect(apps).toHaveLength(2);
    const [b, a] = apps;
    expect(b).toMatchObject({ headcount: 120, headMobile: "13800138000", registeredCapitalYuan: 5_000_000n, status: "IN_REVIEW", stage: 1, townId: "xiaolan" });
    expect(a).toMatchObject({ headcount: 150, headMobile: "13800138000", registeredCapitalYuan: 5_000_000n, gbt29490Year: null, listingStatus: "main-board", status: "IN_REVIEW" });
    const persons = await h.t.db.prisma.channelIdentity.findMany({ where: { externalId: { in: ["ua", "ub"] } } });
    expect(new Set([a!.applicantId, b!.applicantId])).toEqual(new Set(persons.map((p) => p.personId)));
    // Nothing was sent twice and nothing is stuck.
    expect(await h.t.db.prisma.outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
    expect(await h.t.db.prisma.inboundEvent.count({ where: { status: { not: "DONE" } } })).toBe(0);
  });

  it("answers 我的申请 with the status, and a stale flow button sensibly", async () => {
    await h.text("uc", "我的申请");
    expect(lastText(h, "uc")).toContain("还没有提交过工作室申请");
    await h.click("uc", "flow:isAboveScale:yes", "studio-application-isAboveScale-1-x");
    expect(lastText(h, "uc")).toContain("这个按钮已失效");
  });
});
