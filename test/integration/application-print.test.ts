// A.1: the filled, decided application printed as Table A.1, after a real WeCom journey
// (submit → stage 1 approve → stage 2 return → resubmit → stage 2, 3 approve).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderApplicationPrint, yuanToWan, type PrintData } from "../../src/app/print/application-print.tsx";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, testClock, type WecomHarness } from "../support/wecom-harness.ts";

const OFFICERS = { town: ["demo-town-xiaolan", "zhoumin"], cityIp: ["demo-city-ip", "zhanglei"], leader: ["demo-city-leader", "wangfang"] } as const;
// 23:30 UTC is already the next morning in Asia/Shanghai: the form's dates must say 3 月 3 日.
const START = new Date("2026-03-02T23:30:00Z");
const EVIL_NAME = `中山市<script>alert("x")</script>&科技有限公司`;
const RETURN_OPINION = `注册资本与营业执照不一致 <img src=x onerror=alert(1)>`;

function lastCard(h: WecomHarness, userId: string) {
  const cards = h.to(userId).filter((s) => s.msgtype === "template_card");
  return cards[cards.length - 1]?.templateCard as { task_id: string; card_action?: { url?: string } } | undefined;
}

/** The card's print link without its origin, for runtime.app.request(). */
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe("GET /applications/:id/print — the table on paper [A.1]", () => {
  let h: WecomHarness;
  let appId: string;
  let leaderLink: string;
  let townLink: string;

  beforeAll(async () => {
    h = await createWecomHarness({ clock: testClock(START) });
    for (const [personId, wecomId] of Object.values(OFFICERS)) {
      await h.t.db.prisma.channelIdentity.create({ data: { personId, channel: "wecom", externalId: wecomId } });
    }
    await h.text("chenxm", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("chenxm", field === "townId" ? "是" : typed);
    await h.text("chenxm", "确认提交");

    const c1 = lastCard(h, "zhoumin")!;
    townLink = pathOf(c1.card_action!.url!);
    await h.click("zhoumin", "ap:approve", c1.task_id);
    const c2 = lastCard(h, "zhanglei")!;
    await h.click("zhanglei", "ap:return", c2.task_id);
    await h.text("zhanglei", RETURN_OPINION);
    await h.text("zhanglei", "6");
    await h.text("chenxm", "600");
    await h.text("chenxm", "确认提交");
    await h.click("zhanglei", "ap:approve", lastCard(h, "zhanglei")!.task_id);
    const c3 = lastCard(h, "wangfang")!;
    leaderLink = pathOf(c3.card_action!.url!);
    await h.click("wangfang", "ap:approve", c3.task_id);

    const app = await h.t.db.prisma.application.findFirstOrThrow();
    expect(app.status).toBe("APPROVED");
    appId = app.id;
    // The chat validator refuses such a name; a hostile value stored anyhow must still be inert.
    await h.t.db.prisma.application.update({ where: { id: appId }, data: { enterpriseName: EVIL_NAME, needsOther: "<b>海外</b>商标咨询" } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("[A.1] prints every row, filled, with the three opinions, who decided and when", async () => {
    expect(leaderLink).toMatch(new RegExp(`^/applications/${appId}/print\\?t=`));
    const res = await h.runtime.app.request(leaderLink);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const html = await res.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1]!;
    expect(html).toContain(`<script nonce="${nonce}">`);

    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<meta charset="utf-8"/>');
    expect(html).toContain("@page { size: A4; margin: 8mm 15mm }");
    expect(html).toContain("中山市企业知识产权保护流动工作室申请表");
    for (const label of [
      "企业名称", "注册地址", "上市情况", "注册资本<br/>（万元）", "企业人数", "经营规模", "负责人", "职务职称", "手机", "联系人",
      "知识产权部门", "知识产权管理人员数量", "知识产权管理制度", "国家企业知识产权管理规范标准认证", "知识产权示范企业", "知识产权优势企业",
      "国家高新技术企业", "国家、省专利奖", "有效量<br/>（件）", "发明专利", "实用新型专利", "外观设计专利", "PCT 专利", "国内商标", "境外商标", "版权",
      "申请<br/>需求", "负责人签名", "镇街市场监督管理分局意见", "市局知识产权相关科室意见", "市局意见", "编号：",
    ]) {
      expect(html, label).toContain(label);
    }
    // Filled values: 万元 from BigInt yuan (after the revision), full mobiles, years, honours, counts;
    // numbers never break across lines (nowrap).
    expect(html).toContain('<td colspan="2"><span class="nw">600</span></td>');
    expect(html).toContain('<span class="nw">13800138000</span>');
    expect(html).toContain("上年度营业收入 1200.5 万元；非规上企业");
    expect(html).toContain("13800138000");
    expect(html).toContain("13912345678");
    expect(html).toContain("主板上市");
    expect(html).toContain("有（知识产权部）");
    expect(html).toContain('<span class="nw">2018 年</span>');
    expect(html).toContain("2022 年");
    expect(html).toContain("☑ 国家　☑ 省"); // 示范企业
    expect(html).toContain("☐ 国家　☑ 省"); // 专利奖
    expect(html).toMatch(/发明专利<\/td><td class="num">12<\/td>/);
    // 申请需求 1, 3, 7 chosen.
    expect(html).toContain("☑ 1.支持重点企业完善知识产权管理体系建设。");
    expect(html).toContain("☐ 2.支持重点企业培育布局高价值知识产权。");
    expect(html).toContain("☑ 3.为重点企业提供知识产权快速维权服务。");
    expect(html).toContain("☑ 7.其他：&lt;b&gt;海外&lt;/b&gt;商标咨询");
    expect(html).toContain("张三</span>（本人提交）");
    // 6.1: a 主板 listing is 上市; the A.1 approvals without typed words say 同意推荐, never "同意。".
    expect(html).toContain("附：重点企业情况（6.1）：非规上企业、国家级专精特新“小巨人”、主板上市、领军入库");

    // Opinions: the latest decision of each stage, by name, dated in Asia/Shanghai.
    const year = START.getUTCFullYear();
    expect(html).toMatch(/镇街市场监督管理分局意见<\/th>.*<div class="op-text">同意推荐<\/div>.*周敏.*2026 年 3 月 3 日/);
    expect(html).toMatch(/市局知识产权相关科室意见<\/th>.*<div class="op-text">同意推荐<\/div>.*张磊.*2026 年 3 月 3 日/);
    expect(html).not.toContain("同意。");
    expect(html).toMatch(new RegExp(`市局意见</th>.*编号：<b class="studio-no nw">ZSIPS-${year}-001</b>.*签章：<span class="who">王芳</span>.*2026 年 3 月 3 日`));
    expect(html).not.toContain("3 月 2 日");
    // The earlier round's return, in small print below the table, escaped.
    expect(html).toContain("审批记录（此前轮次）");
    expect(html).toContain("第 1 轮 · 市局知识产权相关科室意见：退回修改。注册资本与营业执照不一致 &lt;img src=x onerror=alert(1)&gt;（张磊");
    // 6.3 b / the outcome: the applicant's approval card links to this form, signed for them.
    const outcome = h.to("chenxm").filter((s) => s.msgtype === "template_card").map((s) => s.templateCard as { main_title?: { title?: string }; card_action?: { url?: string } }).find((c) => c.main_title?.title === "工作室申请已获批准");
    expect((await h.runtime.app.request(pathOf(outcome!.card_action!.url!))).status).toBe(200);
  });

  it("escapes user text: an enterprise name with <script> is inert", async () => {
    const html = await (await h.runtime.app.request(leaderLink)).text();
    expect(html).toContain("中山市&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;科技有限公司");
    expect(html).not.toContain('<script>alert("x")');
    expect(html).not.toContain("<img src=x");
    expect(html.match(/<script/g)).toHaveLength(1); // only the nonce'd print button
  });

  it("lets the applicant read the form; never logs a full mobile", async () => {
    const app = await h.t.db.prisma.application.findUniqueOrThrow({ where: { id: appId } });
    const t = h.runtime.domain.linkSigner.sign(`print:${appId}`, app.applicantId);
    expect((await h.runtime.app.request(`/applications/${appId}/print?t=${t}`)).status).toBe(200);
    expect(h.logs.text()).not.toContain("13800138000");
    expect(h.logs.text()).not.toContain("13912345678");
  });

  it("401 for a missing, forged, expired or other-application token", async () => {
    const signer = h.runtime.domain.linkSigner;
    const forged = leaderLink.replace(/t=([^.]+)\.(\d+)\.(.+)$/, (_m, p: string, e: string) => `t=${p}.${e}.AAAA${"A".repeat(39)}`);
    const expired = signer.sign(`print:${appId}`, "demo-city-leader", -10);
    const otherApp = signer.sign("print:someOtherApplication", "demo-city-leader");
    for (const url of [`/applications/${appId}/print`, forged, `/applications/${appId}/print?t=${expired}`, `/applications/${appId}/print?t=${otherApp}`, `/applications/${appId}/print?t=garbage`]) {
      const res = await h.runtime.app.request(url);
      expect(res.status, url).toBe(401);
      expect(await res.json()).toMatchObject({ error: "unauthenticated" });
    }
  });

  it("403 for a valid token issued to someone without rights, or whose role was revoked", async () => {
    const signer = h.runtime.domain.linkSigner;
    // An enterprise user of another enterprise, and the officer of another town.
    for (const personId of ["demo-manager-mingzhu", "demo-town-zhongshangang"]) {
      const res = await h.runtime.app.request(`/applications/${appId}/print?t=${signer.sign(`print:${appId}`, personId)}`);
      expect(res.status, personId).toBe(403);
      expect(await res.json()).toMatchObject({ error: "forbidden" });
    }
    expect((await h.runtime.app.request(townLink)).status).toBe(200);
    await h.t.db.prisma.roleGrant.updateMany({ where: { personId: "demo-town-xiaolan" }, data: { revokedAt: h.clock.now() } });
    expect((await h.runtime.app.request(townLink)).status).toBe(403);
  });

  it("404 for an unknown application (with a token valid for that id)", async () => {
    const t = h.runtime.domain.linkSigner.sign("print:doesNotExist", "demo-city-leader");
    const res = await h.runtime.app.request(`/applications/doesNotExist/print?t=${t}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });
});

describe("renderApplicationPrint — rounds in progress and other signatures [A.1]", () => {
  const at = (iso: string) => new Date(iso);
  const base = {
    id: "app1", status: "IN_REVIEW", version: 2, enterpriseName: "中山市甲科技有限公司", uscc: null, registeredAddress: "中山市石岐区1号", listingStatus: "unlisted",
    registeredCapitalYuan: 12_005_000n, headcount: 10, revenueYuan: null, isAboveScale: true, specialisedLevel: "none", isLeadingReserve: false, isIpKeyProtection: false,
    headName: "何国华", headTitle: "总经理", headMobile: "13800000004", contactName: "梁婉仪", contactTitle: "副总经理", contactMobile: "13800000003",
    hasIpDepartment: false, ipDepartmentName: null, ipStaffCount: 0, ipRulesYear: null, gbt29490Year: null, demoEnterprise: "[]", advantageEnterprise: "[]", highTechYear: null, patentAward: "[]",
    validInvention: 0, validUtility: 0, validDesign: 0, validPct: 0, validTrademarkDomestic: 0, validTrademarkOverseas: 0, validCopyright: 0, validOther: 0,
    needs: "[]", needsOther: null, headConfirmation: "HEAD_IN_CHAT", headConfirmedAt: at("2026-05-04T16:30:00Z"), submittedAt: at("2026-05-04T10:00:00Z"), studioNumber: null,
  };
  const data = (over: Partial<PrintData> = {}): PrintData => ({
    app: base,
    townName: "石岐",
    steps: [
      { stage: 1, round: 1, status: "APPROVED", decidedByName: "周敏", opinion: null, decidedAt: at("2026-05-05T02:00:00Z") },
      { stage: 2, round: 1, status: "RETURNED", decidedByName: "张磊", opinion: "请补充", decidedAt: at("2026-05-06T02:00:00Z") },
      { stage: 2, round: 2, status: "PENDING", decidedByName: null, opinion: null, decidedAt: null },
    ],
    headConfirmedByName: "何国华",
    timeZone: "Asia/Shanghai",
    printedAt: at("2026-05-07T02:00:00Z"),
    ...over,
  });

  it("shows a stage under re-review as pending, the return in the history, stage 3 blank", () => {
    const html = renderApplicationPrint(data());
    expect(html).toMatch(/镇街市场监督管理分局意见<\/th>.*<div class="op-text">同意<\/div>.*周敏.*2026 年 5 月 5 日/);
    expect(html).toMatch(/市局知识产权相关科室意见<\/th><td colspan="8"><div class="op-box"><div class="op-text"><span class="pending">（审核中）<\/span>/);
    expect(html).toMatch(/市局意见<\/th><td colspan="8"><div class="op-box"><div class="op-text"><\/div>.*编号：<b class="studio-no nw"><\/b>/);
    expect(html).toContain('第 1 轮 · 市局知识产权相关科室意见：退回修改。请补充（张磊，<span class="nw">2026 年 5 月 6 日</span>）');
    // HEAD_IN_CHAT: confirmed in chat by name, dated the confirmation (00:30 next day in Shanghai).
    expect(html).toContain("何国华</span>（负责人在线确认）");
    expect(html).toMatch(/负责人签名<\/th>.*（签章）<\/span><span><span class="nw">2026 年 5 月 5 日<\/span><\/span>/);
    expect(html).not.toContain("<script"); // no nonce: no script at all
  });

  it("while RETURNED the return is the stage's latest decision; a declared authority names the applicant", () => {
    const html = renderApplicationPrint(data({ app: { ...base, status: "RETURNED", version: 1, headConfirmation: "DECLARED_AUTHORITY", headConfirmedAt: null }, steps: data().steps.slice(0, 2), applicantName: "梁婉仪" }));
    expect(html).toMatch(/市局知识产权相关科室意见<\/th>.*退回修改。请补充.*张磊/);
    expect(html).not.toContain("审批记录");
    expect(html).toContain("（申请人 <span class=\"who\">梁婉仪</span> 声明已获负责人 何国华 授权代为提交）");
  });

  it("converts integer yuan to 万元 exactly", () => {
    expect([5_000_000n, 12_005_000n, 1n, 0n, 123_456_789n].map(yuanToWan)).toEqual(["500", "1200.5", "0.0001", "0", "12345.6789"]);
  });
});
