// Service requests (clause 4, 7.1 a–g, 7.2) through the real WeCom route: the enterprise's
// manager asks in chat, the studio's agency staff get or-sign cards (受理 / 转派), an unaccepted
// request goes up to the city IP officer and then ADMIN on working-hour deadlines (the job run
// with the harness's clock), the owner logs progress and closes it, the requester hears each step.
import { afterEach, describe, expect, it } from "vitest";
import { escalateServiceRequests } from "../../src/app/jobs/service-escalation.ts";
import { SERVICE_CATEGORIES } from "../../src/domain/studio/service-catalogue.ts";
import { verifyAuditChain } from "../../src/storage/audit-log.ts";
import * as support from "../support/operating-studio.ts";
import { WECOM, type WecomHarness } from "../support/wecom-harness.ts";

// Wednesday 2026-11-25 10:00 in Zhongshan (a working day).
const WED_10 = new Date("2026-11-25T02:00:00Z");
const HOUR = 3_600_000;

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
});

const prisma = () => h.t.db.prisma;
const texts = (u: string) => h.to(u).map((m) => m.content ?? "");
const lastText = (u: string) => texts(u).filter(Boolean).at(-1) ?? "";
/** The last few messages to `u`, texts and cards alike, as one string. */
const recent = (u: string, n = 3) => h.to(u).slice(-n).map((m) => m.content ?? JSON.stringify(m.templateCard)).join("\n");
const tap = (u: string, label: string) => support.tap(h, u, label);
/** The newest service card sent to `u` (its task_id and its buttons). */
function serviceCard(u: string): { id: string; title: string; keys: string[] } {
  const cards = h.to(u).filter((s) => s.msgtype === "template_card").map((s) => s.templateCard as { task_id: string; main_title?: { title?: string }; button_list?: { key: string }[] });
  const card = cards.filter((c) => c.task_id.startsWith("sr-")).at(-1);
  if (!card) throw new Error(`no service card sent to ${u}`);
  return { id: card.task_id, title: card.main_title?.title ?? "", keys: (card.button_list ?? []).map((b) => b.key) };
}
const runJob = (now: Date) => escalateServiceRequests({ prisma: prisma(), calendar: h.runtime.domain.calendar, timeZone: h.config.timeZone, newId: () => crypto.randomUUID().replaceAll("-", "") }, now).then(async (r) => (await h.settle(), r));

async function operatingStudio(opts: { industry?: string } = {}) {
  const r = await support.operatingStudio({ start: WED_10, ...opts });
  h = r.h;
  return r;
}
const requestService = (service: number, subItem: number | null, need?: string) => support.requestService(h, service, subItem, need);

const image = (u: string, mediaId: string) =>
  h.post(`<xml><ToUserName><![CDATA[${WECOM.corpId}]]></ToUserName><FromUserName><![CDATA[${u}]]></FromUserName><CreateTime>${Math.floor(h.clock.now().getTime() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[https://example.invalid/p.jpg]]></PicUrl><MediaId><![CDATA[${mediaId}]]></MediaId><MsgId>${Date.now()}${Math.floor(Math.random() * 1000)}</MsgId><AgentID>${WECOM.agentId}</AgentID></xml>`);
const auditActions = async (requestId: string) => (await prisma().auditLog.findMany({ where: { subjectId: requestId }, orderBy: { id: "asc" } })).map((a) => a.action);

describe("service requests in chat", () => {
  it("[4] a request nobody accepts in 1 working day goes to the city IP officer, one more day later to ADMIN; then accepted, progress, closed — the requester told at each step", async () => {
    await operatingStudio();
    const req = await requestService(4, 2);
    expect(req).toMatchObject({ category: "d", subItem: "7.2.4 b", status: "OPEN", urgent: false, ownerId: null, version: 1, escalationLevel: 0 });
    expect(req.dueAt!.getTime() - req.createdAt.getTime()).toBe(24 * HOUR); // Thursday ~10:00: one office day of 9 hours
    expect(lastText("applicant1")).toContain("已提交服务申请");
    // Both agency staff hold it (or-sign): each has a 受理 / 转派 card naming the standard's sub-item.
    for (const u of ["liuyang", "chenjing"]) {
      expect(serviceCard(u).keys).toEqual(["sr:accept", "sr:transfer"]);
      expect(JSON.stringify(h.to(u).at(-1)!.templateCard)).toContain("7.2.4 b 展前风险排查");
    }
    const firstCard = serviceCard("liuyang").id;

    // Not due yet: nothing happens, however often the job runs.
    expect(await runJob(new Date("2026-11-26T01:59:00Z"))).toEqual({ escalated: 0, toCityIp: 0, toAdmin: 0 });
    h.clock.set(new Date("2026-11-26T02:01:00Z"));
    expect(await runJob(h.clock.now())).toEqual({ escalated: 1, toCityIp: 1, toAdmin: 0 });
    expect(await runJob(h.clock.now())).toEqual({ escalated: 0, toCityIp: 0, toAdmin: 0 }); // idempotent per (request, level)
    expect(texts("zhanglei").join("\n")).toContain("服务申请超时未受理");
    expect(serviceCard("zhanglei").keys).toEqual(["sr:accept", "sr:transfer"]);
    expect(h.to("admin1").length).toBe(0);
    expect(lastText("applicant1")).toContain("已提醒上级部门督办");

    // One more working day: ADMIN; the Friday run after that sends nothing more.
    h.clock.set(new Date("2026-11-27T02:01:00Z"));
    expect(await runJob(h.clock.now())).toEqual({ escalated: 1, toCityIp: 0, toAdmin: 1 });
    expect(texts("admin1").join("\n")).toContain("第 2 级升级");
    expect(await runJob(new Date("2026-11-30T02:01:00Z"))).toEqual({ escalated: 0, toCityIp: 0, toAdmin: 0 });

    // The card of round 1 is stale now: refused, audited, nothing accepted.
    await h.click("liuyang", "sr:accept", firstCard);
    expect(lastText("liuyang")).toContain("卡片已失效");
    expect((await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).status).toBe("OPEN");

    // The fresh card of the current round: accepted by 刘洋.
    await h.click("liuyang", "sr:accept", serviceCard("liuyang").id);
    const accepted = await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(accepted).toMatchObject({ status: "ACCEPTED", ownerId: "demo-agency-staff", acceptedById: "demo-agency-staff", escalationLevel: 2 });
    expect(lastText("applicant1")).toContain("已由 刘洋 受理");
    expect(serviceCard("liuyang").keys).toEqual(["sr:progress", "sr:close"]);
    // The others' cards of that round are spent.
    await h.click("chenjing", "sr:accept", serviceCard("chenjing").id);
    expect(lastText("chenjing")).toContain("已由 刘洋 受理");

    await h.text("liuyang", "进展 已完成专利检索，正在比对参展产品");
    expect(lastText("applicant1")).toContain("【服务进展】");
    expect(lastText("applicant1")).toContain("已完成专利检索，正在比对参展产品");
    // Only the owner logs progress.
    await h.text("chenjing", "进展 我也来看看");
    expect(lastText("chenjing")).toContain("您没有正在办理的服务申请");

    await h.text("liuyang", "办结 已出具展前风险排查报告并当面讲解");
    const closed = await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(closed).toMatchObject({ status: "CLOSED", closedById: "demo-agency-staff", outcome: "已出具展前风险排查报告并当面讲解" });
    expect(lastText("applicant1")).toContain("已由 刘洋 办结");
    expect(lastText("applicant1")).toContain("办理结果：已出具展前风险排查报告并当面讲解");

    await h.text("applicant1", "我的服务");
    expect(lastText("applicant1")).toMatch(/7\.2\.4 b 展前风险排查[^\n]*已办结，负责人 刘洋/);

    expect((await prisma().serviceLog.findMany({ where: { requestId: req.id }, orderBy: { createdAt: "asc" } })).map((l) => l.action)).toEqual(["created", "escalated", "escalated", "accepted", "progress", "closed"]);
    const actions = await auditActions(req.id);
    expect(actions.filter((a) => a !== "service.refused")).toEqual(["service.requested", "service.escalated", "service.escalated", "service.accepted", "service.progress", "service.closed"]);
    expect(actions.filter((a) => a === "service.refused")).toHaveLength(2); // the stale card, the late tap
    expect((await verifyAuditChain(prisma())).ok).toBe(true);
  });

  it("[7.2.3 a] a dispute at its start is due in 4 working hours and escalates then; the industry is asked once and kept", async () => {
    const { studio } = await operatingStudio();
    await h.text("applicant1", "申请服务");
    await h.text("applicant1", "3"); // 7.1 c 快速维权
    expect(recent("applicant1")).toContain("贵企业属于哪个产业");
    await tap("applicant1", "其他产业");
    const prompt = recent("applicant1");
    expect(prompt).toContain("7.2.3 a");
    expect(prompt).not.toContain("7.2.3 b");
    await h.text("applicant1", "1");
    await h.text("applicant1", "竞争对手发律师函称我司新品侵权，需法律咨询");
    await h.text("applicant1", "跳过");
    await h.text("applicant1", "是");
    const req = await prisma().serviceRequest.findFirstOrThrow({ where: { studioId: studio.id } });
    expect(req).toMatchObject({ subItem: "7.2.3 a", urgent: true });
    expect(req.dueAt!.getTime() - req.createdAt.getTime()).toBe(4 * HOUR); // Wednesday ~14:00
    expect((await prisma().enterprise.findUniqueOrThrow({ where: { id: studio.enterpriseId } })).industry).toBe("other");

    h.clock.set(new Date(req.dueAt!.getTime() - 60_000));
    expect((await runJob(h.clock.now())).escalated).toBe(0);
    h.clock.set(new Date(req.dueAt!.getTime() + 60_000));
    expect(await runJob(h.clock.now())).toMatchObject({ escalated: 1, toCityIp: 1 });
    expect(texts("zhanglei").join("\n")).toContain("7.2.3 a 纠纷法律咨询");

    // The industry is not asked again.
    await h.text("applicant1", "申请服务");
    await h.text("applicant1", "3");
    expect(recent("applicant1")).not.toContain("贵企业属于哪个产业");
    expect(recent("applicant1")).toContain("7.2.3 a");
  });

  it("[7.2.3 b] fast pre-examination filing is offered to a new-generation IT enterprise (industry asked and kept) and not to one of another industry", async () => {
    await operatingStudio({ industry: "other" });
    await h.text("applicant1", "申请服务");
    await h.text("applicant1", "3");
    expect(recent("applicant1")).toContain("7.2.3 a");
    expect(recent("applicant1")).not.toContain("7.2.3 b");
    await h.text("applicant1", "2"); // there is no second choice for this enterprise
    expect(recent("applicant1", 1)).not.toContain("描述您的需求");
    expect(await prisma().serviceRequest.count()).toBe(0);
    await h.text("applicant1", "取消");
    await h.close();

    // Industry not yet known: asked, answered 新一代信息技术, kept — and 7.2.3 b is offered.
    const { studio } = await operatingStudio();
    await h.text("applicant1", "申请服务");
    await h.text("applicant1", "3");
    await tap("applicant1", "新一代信息技术");
    expect(recent("applicant1")).toContain("7.2.3 b 对于新一代信息技术和生物医药产业重点企业");
    await h.text("applicant1", "2");
    await h.text("applicant1", "申请快速预审备案");
    await image("applicant1", "MEDIA-LICENCE-1"); // the optional attachment: a photo
    await h.text("applicant1", "是");
    expect(await prisma().serviceRequest.findFirstOrThrow()).toMatchObject({ subItem: "7.2.3 b", urgent: false, attachmentKind: "image", attachmentMediaId: "MEDIA-LICENCE-1", attachmentChannel: "wecom" });
    expect(JSON.stringify(h.to("liuyang").at(-1)!.templateCard)).toContain("照片 1 张");
    expect((await prisma().enterprise.findUniqueOrThrow({ where: { id: studio.enterpriseId } })).industry).toBe("new_gen_it");
  });

  it("[4] or-sign: two agency staff tapping 受理 at once — exactly one accepts, the other is told who did", async () => {
    await operatingStudio();
    const req = await requestService(1, 2, "需要对新产品做专利分析评议");
    const [a, b] = [serviceCard("liuyang").id, serviceCard("chenjing").id];
    await Promise.all([h.click("liuyang", "sr:accept", a), h.click("chenjing", "sr:accept", b)]);
    await h.settle();
    const row = await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(row.status).toBe("ACCEPTED");
    const winner = row.acceptedById === "demo-agency-staff" ? "liuyang" : "chenjing";
    const loser = winner === "liuyang" ? "chenjing" : "liuyang";
    expect(texts(loser).join("\n")).toMatch(/已由 (刘洋|陈静) 受理。无需再受理/);
    const actions = await auditActions(req.id);
    expect(actions.filter((x) => x === "service.accepted")).toHaveLength(1);
    expect(actions.filter((x) => x === "service.refused")).toHaveLength(1);
    expect(await prisma().serviceLog.count({ where: { requestId: req.id, action: "accepted" } })).toBe(1);
    expect(texts("applicant1").filter((t) => t.includes("受理，正在办理"))).toHaveLength(1);
  });

  it("[4] 转派: the card's holder transfers to another member, whose acceptance then counts; a card tapped from another account is refused", async () => {
    const { chen } = await operatingStudio();
    const req = await requestService(6, 1, "希望办理专利质押融资");
    const card = serviceCard("liuyang").id;
    // 刘洋's card tapped by 陈静's account: refused and audited, nothing changes.
    await h.click("chenjing", "sr:transfer", card);
    expect(lastText("chenjing")).toContain("不是发给您当前使用的账号的");
    await h.click("liuyang", "sr:transfer", card);
    expect(recent("liuyang", 1)).toContain("转派给谁");
    await tap("liuyang", "陈静");
    expect(lastText("liuyang")).toContain("已将服务申请");
    const moved = await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(moved).toMatchObject({ status: "OPEN", ownerId: chen.id, version: 2 });
    expect(lastText("applicant1")).toContain("已转派给 陈静");
    // 刘洋's old card no longer works; 陈静's new one does.
    await h.click("liuyang", "sr:accept", card);
    expect(lastText("liuyang")).toContain("已转派给 陈静");
    await h.click("chenjing", "sr:accept", serviceCard("chenjing").id);
    expect((await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).acceptedById).toBe(chen.id);
    expect((await prisma().serviceLog.findFirstOrThrow({ where: { requestId: req.id, action: "transferred" } })).toPersonId).toBe(chen.id);
    const refused = (await prisma().auditLog.findMany({ where: { action: { in: ["service.refused", "card.refused"] } } })).map((a) => JSON.parse(a.detailJson).reason);
    expect(refused).toContain("card_sent_to_another_channel_identity");
  });

  it("[4] progress and 办结 from the owner's card buttons ask for the text; 我的服务 gives an owner fresh cards", async () => {
    await operatingStudio();
    const req = await requestService(2, 3, "监测主要竞争对手的侵权风险");
    await h.click("liuyang", "sr:accept", serviceCard("liuyang").id);
    await h.text("liuyang", "我的服务");
    expect(lastText("liuyang")).toContain("等待您处理的服务申请 1 件");
    const work = serviceCard("liuyang");
    expect(work.keys).toEqual(["sr:progress", "sr:close"]);
    await h.click("liuyang", "sr:progress", work.id);
    expect(recent("liuyang", 1)).toContain("请输入办理进展");
    await h.text("liuyang", "已建立竞争对手专利监测清单");
    expect(lastText("applicant1")).toContain("已建立竞争对手专利监测清单");
    await h.click("liuyang", "sr:close", serviceCard("liuyang").id);
    await h.text("liuyang", "x"); // too short: asked again
    expect(lastText("liuyang")).toContain("至少 2 个字");
    await h.text("liuyang", "监测机制已上线，每月推送报告");
    expect(await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: "CLOSED", outcome: "监测机制已上线，每月推送报告" });
    expect(lastText("applicant1")).toContain("办理结果：监测机制已上线，每月推送报告");
  });

  it("[4] only the studio's enterprise manager asks, and only once the studio is OPERATING", async () => {
    const { studio } = await operatingStudio();
    // The menu offers 申请服务 to the studio's manager (and the button starts the request), not to others.
    const menuButtons = (u: string) => ((h.to(u).at(-1)!.templateCard as { button_list: { text: string }[] }).button_list ?? []).map((x) => x.text);
    await h.text("applicant1", "菜单");
    expect(menuButtons("applicant1")).toEqual(expect.arrayContaining(["申请服务", "我的服务"]));
    await tap("applicant1", "申请服务");
    expect(recent("applicant1", 1)).toContain("请选择需要的服务（标准 7.1）");
    await h.text("applicant1", "取消");
    await h.text("stranger1", "菜单");
    expect(menuButtons("stranger1")).not.toContain("申请服务");
    await h.text("liuyang", "菜单");
    expect(menuButtons("liuyang")).toEqual(expect.arrayContaining(["我的服务"]));
    expect(menuButtons("liuyang")).not.toContain("申请服务");
    await h.text("stranger1", "申请服务");
    expect(lastText("stranger1")).toContain("您所在的企业还没有工作室");
    await prisma().studio.update({ where: { id: studio.id }, data: { status: "SETTING_UP" } });
    await h.text("applicant1", "申请服务");
    expect(lastText("applicant1")).toContain("尚未正式运行");
    const refusals = (await prisma().auditLog.findMany({ where: { action: "service.refused" } })).map((a) => JSON.parse(a.detailJson).reason);
    expect(refusals).toEqual(["no_studio", "studio_not_operating"]);
    expect(await prisma().conversationSession.count({ where: { flowId: "service-request", status: "ACTIVE" } })).toBe(0);
    expect(await prisma().serviceRequest.count()).toBe(0);
  });
});

describe("the seven services of 7.1", () => {
  for (const [n, c] of SERVICE_CATEGORIES.entries()) {
    it(`[${c.clause}] is offered in chat in the standard's words and reaches the agency staff as ${c.subItems.length ? "its first 7.2 sub-item" : "a service without sub-items"}`, async () => {
      await operatingStudio({ industry: "biomedicine" });
      await h.text("applicant1", "申请服务");
      expect(recent("applicant1", 1)).toContain(`${n + 1}. ${c.text}`);
    if (c.section) {
      await h.text("applicant1", String(n + 1));
      // 7.2's own wording for each sub-item, before the choice.
      for (const s of c.subItems) expect(recent("applicant1", 2)).toContain(`${s.code} ${s.text}`);
    }
      const req = await requestService(n + 1, c.subItems.length ? 1 : null, "请工作室协助处理该事项");
      expect(req).toMatchObject({ category: c.letter, subItem: c.subItems[0]?.code ?? null });
      const card = JSON.stringify(h.to("liuyang").at(-1)!.templateCard);
      expect(card).toContain(c.subItems[0] ? `${c.subItems[0].code} ${c.subItems[0].label}` : `${c.clause} ${c.text}`);
    });
  }
});
