import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FakeSent } from "../fakes/fake-wecom-api.ts";
import { HAPPY } from "../flows/helpers.ts";
import { lastCardId, linkOfficers } from "../support/journey.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

// 6.2 / A.1: known facts are not asked again — the enterprise an admin registered the manager for
// fills name, address, town and head, confirmed in one step; an application withdrawn after a
// return starts again from its answers.
type Tc = { task_id: string; main_title: { title: string }; horizontal_content_list?: { keyname: string; value: string }[]; button_list: { key: string; text: string }[] };
const tc = (s: FakeSent | undefined) => s?.templateCard as unknown as Tc;
const texts = (h: WecomHarness, u: string) => h.to(u).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");

/** The answers still asked once 明珠's known facts are filled (its credit code is not known). */
const PREFILLED = new Set(["enterpriseName", "registeredAddress", "townId", "headName", "headTitle", "headMobile"]);
const remaining = () => HAPPY.filter(([f]) => !PREFILLED.has(f)).map(([, typed]) => typed);

describe("[6.2][A.1] known facts are not asked again", () => {
  let h: WecomHarness;
  beforeEach(async () => {
    h = await createWecomHarness();
    await h.t.db.prisma.channelIdentity.create({ data: { personId: "demo-manager-mingzhu", channel: "wecom", externalId: "mgr" } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("[A.1] the registered enterprise's name, address, town and head come prefilled, confirmed with one tap", async () => {
    await h.text("mgr", "申请工作室");
    const card = tc(h.to("mgr").at(-1));
    expect(card.main_title.title).toBe("已从企业名录填好以下信息，对吗？");
    expect(Object.fromEntries((card.horizontal_content_list ?? []).map((f) => [f.keyname, f.value]))).toEqual({
      企业名称: "中山市明珠智能装备有限公司",
      注册地址: "中山市火炬开发区中山港大道 88 号",
      所属镇街: expect.stringContaining("中山港"),
      负责人: "黄志强 董事长 13800000002",
    });
    expect(card.button_list.map((b) => b.text)).toEqual(["是", "改企业名称", "改注册地址", "改所属镇街"]);
    await h.click("mgr", "flow:@cmd:resume", card.task_id);
    // The first question not known: the credit code (an admin did not register one).
    expect(texts(h, "mgr")).toContain("统一社会信用代码");
    for (const a of remaining()) await h.text("mgr", a);
    h.clock.advance(60_000);
    await h.text("mgr", "确认提交");
    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app).toMatchObject({ enterpriseName: "中山市明珠智能装备有限公司", enterpriseId: "demo-ent-mingzhu", townId: "zhongshangang", headName: "黄志强", headMobile: "13800000002", status: "IN_REVIEW" });
  });

  it("[A.1] 改企业名称 on the card changes that fact and goes on with the form", async () => {
    await h.text("mgr", "申请工作室");
    await h.click("mgr", "flow:@field:enterpriseName", tc(h.to("mgr").at(-1)).task_id);
    expect(texts(h, "mgr")).toContain("请输入企业名称");
    await h.text("mgr", "中山市明珠精密模具有限公司");
    for (const a of remaining()) await h.text("mgr", a);
    h.clock.advance(60_000);
    await h.text("mgr", "确认提交");
    // Another enterprise's name: not linked to the manager's registered one (never renamed).
    expect(await h.t.db.prisma.application.findFirstOrThrow()).toMatchObject({ enterpriseName: "中山市明珠精密模具有限公司", enterpriseId: null, registeredAddress: "中山市火炬开发区中山港大道 88 号" });
  });

  it("[6.3 a] an application withdrawn after a return starts again from its answers", async () => {
    await linkOfficers(h);
    await h.text("a", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("a", field === "townId" ? "是" : typed);
    await h.text("a", "确认提交");
    await h.click("zhoumin", "ap:return", lastCardId(h, "zhoumin"));
    await h.text("zhoumin", "注册资本有误");
    await h.text("zhoumin", "6");
    await h.text("a", "800");
    await h.text("a", "撤回申请");
    await h.text("a", "确认撤回");
    expect((await h.t.db.prisma.application.findFirstOrThrow()).status).toBe("WITHDRAWN");

    h.clock.advance(60_000);
    await h.text("a", "申请工作室");
    expect(texts(h, "a")).toContain("已载入您撤回的申请内容");
    await h.text("a", "确认提交");
    const again = await h.t.db.prisma.application.findFirstOrThrow({ where: { status: "IN_REVIEW" } });
    expect(again).toMatchObject({ enterpriseName: "中山市某某（中国）科技有限公司", headMobile: "13800138000", townId: "xiaolan" });
  });
});
