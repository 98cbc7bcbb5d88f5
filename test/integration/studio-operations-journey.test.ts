// Issue 11's "Done when", as one journey through the real routes only: the WeCom webhook (signed
// callbacks, cards tapped by the identity they were sent to), the admin API with the Bearer token,
// and /admin/jobs/:name/run?at=… for the passing of working days. Approved studio → manager
// designated with the 6.4 b facts → set-up checklist answered and confirmed from the card (6.3 b)
// → OPERATING → roster flagged with exactly what it lacks, then made compliant (6.4 a, 6.4 c, 3.1)
// → service requested (7.1 d, 7.2.4 b) → escalated after 1 working day without acceptance (4)
// → accepted → progress → closed → the requester told at each step.
import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../src/storage/audit-log.ts";
import { imageMessageXml } from "../fakes/wecom-callback-signer.ts";
import { linkDemoOfficers } from "../support/approved-studio.ts";
import { applyAndApprove } from "../support/journey.ts";
import { createWecomHarness, testClock, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-studio-journey-0123456789";
// Wednesday 2026-11-25 10:00 in Zhongshan (a working day).
const WED_10 = new Date("2026-11-25T02:00:00Z");

let h: WecomHarness;
afterEach(async () => {
  await h?.close();
});

const prisma = () => h.t.db.prisma;
const said = (u: string) => h.to(u).map((s) => s.content ?? JSON.stringify(s.templateCard));
const last = (u: string) => said(u).at(-1) ?? "";
const since = (u: string, n: number) => said(u).slice(n).join("\n");
let msg = 7_700_000;
const image = (u: string, mediaId: string) => h.post(imageMessageXml({ toUser: WECOM.corpId, fromUser: u, mediaId, msgId: String(msg++), createTime: Math.floor(h.clock.now().getTime() / 1000), agentId: WECOM.agentId }));
const admin = async (method: string, path: string, body?: unknown) => {
  const res = await h.runtime.app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
};
/** The newest card to `u` whose task id starts with `prefix`: its id and button keys. */
function card(u: string, prefix: string): { id: string; keys: string[]; text: string } {
  const c = h
    .to(u)
    .filter((s) => s.msgtype === "template_card")
    .map((s) => s.templateCard as { task_id: string; button_list?: { key: string }[] })
    .filter((x) => x.task_id.startsWith(prefix))
    .at(-1);
  if (!c) throw new Error(`no ${prefix} card sent to ${u}`);
  return { id: c.task_id, keys: (c.button_list ?? []).map((b) => b.key), text: JSON.stringify(c) };
}

describe("studio operations, end to end through the real routes", () => {
  it("[6.4 b, 6.3 b, 6.4 a, 6.4 c, 3.1, 4, 7.1 d, 7.2.4 b] approved → manager designated with the three facts → checklist answered and confirmed from the card → OPERATING → roster flagged then compliant → service requested → escalated after 1 working day → accepted → progress → closed, requester told", async () => {
    h = await createWecomHarness({ clock: testClock(WED_10), env: { ADMIN_TOKEN: TOKEN } });
    await linkDemoOfficers(h);

    // Approved: three officers' cards tapped through the webhook.
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    expect(studio.status).toBe("SETTING_UP");
    const applicantId = (await prisma().application.findFirstOrThrow()).applicantId;
    expect(last("chenxm")).toContain("请确认工作室管理者");

    // 6.4 b: the applicant designates themself, answering management / technical management / IP knowledge.
    await h.text("chenxm", "1");
    expect(last("chenxm")).toContain("是否为企业管理层成员");
    for (const a of ["是", "是", "是"]) await h.text("chenxm", a);
    expect(await prisma().studioMember.findFirstOrThrow({ where: { studioId: studio.id, isManager: true } })).toMatchObject({
      personId: applicantId,
      side: "ENTERPRISE",
      employment: "FULL_TIME",
      managerInManagement: true,
      managerTechMgmtExperience: true,
      managerIpKnowledge: true,
    });

    // 6.3 b: workplace (address + photo), equipment (note), sign (photo); then the city IP officer's card.
    expect(last("chenxm")).toContain("1/3 固定的工作场所");
    await h.text("chenxm", "中山市小榄镇升平路1号3楼");
    await image("chenxm", "MEDIA-WORKPLACE-1");
    expect(last("chenxm")).toContain("2/3 基本的办公软、硬件设备");
    await h.text("chenxm", "电脑 2 台、打印机 1 台、专利检索软件");
    expect(last("chenxm")).toContain("3/3");
    await image("chenxm", "MEDIA-SIGN-1");
    expect(said("chenxm").join("\n")).toContain("建设清单已提交（第 1 次）");
    const setup = card("zhanglei", "ss-");
    expect(setup.keys).toEqual(["ss:confirm", "ss:return"]);
    expect(setup.text).toContain("中山市小榄镇升平路1号3楼");
    expect((await prisma().studio.findUniqueOrThrow({ where: { id: studio.id } })).status).toBe("SETTING_UP");
    await h.click("zhanglei", "ss:confirm", setup.id);
    expect(await prisma().studio.findUniqueOrThrow({ where: { id: studio.id } })).toMatchObject({ status: "OPERATING", setupConfirmedById: "demo-city-ip" });
    expect(said("chenxm").join("\n")).toContain("工作室正式运行");

    // 6.4 a: operating, but the roster lacks three sides — named exactly, in chat and in the admin API.
    await h.text("zhanglei", "工作室情况");
    const status = last("zhanglei");
    expect(status).toContain(`【工作室情况】${studio.number}`);
    expect(status.slice(status.indexOf("人员配备尚缺："))).toBe(
      [
        "人员配备尚缺：",
        "· 市局知识产权相关科室兼职人员还差 2 名（至少 2 名，现有 0 名）",
        "· 镇街市场监督管理分局兼职人员还差 1 名（至少 1 名，现有 0 名）",
        "· 知识产权服务机构本科以上学历专职人员还差 2 名（至少 2 名，现有 0 名）",
      ].join("\n"),
    );
    const listed = (await admin("GET", "/admin/studios")).json.studios as { number: string; compliance: { ok: boolean; missing: { code: string }[] } }[];
    expect(listed.find((s) => s.number === studio.number)!.compliance.missing.map((m) => m.code)).toEqual(["CITY_IP_PART_TIME_SHORT", "TOWN_PART_TIME_SHORT", "AGENCY_FULL_TIME_SHORT"]);

    // People the roster needs, through the admin API: a second city IP officer, two agency staff.
    const person = async (body: Record<string, unknown>) => {
      const r = await admin("POST", "/admin/people", body);
      expect(r.status).toBe(201);
      return r.json.id as string;
    };
    const zhao = await person({ name: "赵敏", roles: [{ role: "CITY_IP_OFFICER" }] });
    const chen = await person({ name: "陈静", education: "bachelor", identities: [{ channel: "wecom", externalId: "chenjing" }], roles: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] });
    const sun = await person({ name: "孙悦", education: "college", roles: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] });
    const add = (body: Record<string, unknown>) => admin("POST", `/admin/studios/${studio.number}/members`, body);

    // 6.4 c: a full-time agency seat below bachelor's is refused, and the gap stays.
    const refused = await add({ personId: sun, side: "AGENCY", employment: "FULL_TIME" });
    expect(refused.status).toBe(409);
    // 3.1: the authority (in chat and by API), the town sub-bureau and the agency form the studio.
    await h.text("zhanglei", "工作室成员");
    await h.text("zhanglei", "1"); // 添加成员
    await h.text("zhanglei", "13800000021"); // 张磊 themself
    await h.text("zhanglei", "1"); // 市局知识产权相关科室
    await h.text("zhanglei", "2"); // 兼职
    expect(last("zhanglei")).toContain("已添加 张磊（市局知识产权相关科室，兼职）");
    expect((await add({ personId: zhao, side: "CITY_IP", employment: "PART_TIME" })).status).toBe(201);
    expect((await add({ personId: "demo-town-xiaolan", side: "TOWN", employment: "PART_TIME" })).status).toBe(201);
    expect((await add({ personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME" })).status).toBe(201);
    const compliant = await add({ personId: chen, side: "AGENCY", employment: "FULL_TIME" });
    expect(compliant.status).toBe(201);
    expect(compliant.json.compliance).toEqual({ ok: true, missing: [] });
    await h.text("zhanglei", "工作室情况");
    expect(last("zhanglei")).toContain("人员配备符合要求（6.4）");

    // Clause 4 / 7.2.4 b: the manager asks for trade-fair risk screening; both agency staff hold it (or-sign).
    const toRequester = said("chenxm").length;
    for (const t of ["申请服务", "4", "2", "下月参加广交会，需要排查参展产品的专利风险", "跳过", "是"]) await h.text("chenxm", t);
    const req = await prisma().serviceRequest.findFirstOrThrow({ where: { studioId: studio.id } });
    expect(req).toMatchObject({ category: "d", subItem: "7.2.4 b", status: "OPEN", ownerId: null, escalationLevel: 0, requestedById: applicantId });
    expect(since("chenxm", toRequester)).toContain("已提交服务申请");
    for (const u of ["liuyang", "chenjing"]) {
      expect(card(u, "sr-").keys).toEqual(["sr:accept", "sr:transfer"]);
      expect(card(u, "sr-").text).toContain("7.2.4 b 展前风险排查");
    }

    // Nobody accepts: five minutes before the working day is up nothing happens; at the due time the city IP officer is told.
    const due = req.dueAt!;
    // Asked on Wednesday morning, due the same time on Thursday: one working day.
    expect(due.getTime() - req.createdAt.getTime()).toBe(24 * 3_600_000);
    expect(req.createdAt.toISOString().slice(0, 10)).toBe("2026-11-25");
    const runAt = (t: Date) => admin("POST", `/admin/jobs/service-escalation/run?at=${encodeURIComponent(t.toISOString())}`);
    expect((await runAt(new Date(due.getTime() - 5 * 60_000))).json).toMatchObject({ ran: true, outcome: { escalated: 0 } });
    expect(said("zhanglei").join("\n")).not.toContain("服务申请超时未受理");
    expect((await runAt(due)).json).toMatchObject({ ran: true, outcome: { escalated: 1, toCityIp: 1, toAdmin: 0 } });
    expect(said("zhanglei").join("\n")).toContain("服务申请超时未受理");
    expect(said("chenxm").join("\n")).toContain("已提醒上级部门督办");
    expect((await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).escalationLevel).toBe(1);

    // Thursday afternoon: 刘洋 accepts from the card of the current round, logs progress, closes it.
    h.clock.set(new Date(due.getTime() + 4 * 3_600_000));
    await h.click("liuyang", "sr:accept", card("liuyang", "sr-").id);
    expect(await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: "ACCEPTED", ownerId: "demo-agency-staff" });
    expect(last("chenxm")).toContain("已由 刘洋 受理");
    // The owner is told once that the request is theirs (the reply), with the card to log progress.
    expect(h.to("liuyang").filter((m) => m.content?.startsWith("已受理服务申请"))).toHaveLength(1);
    expect(card("liuyang", "sr-").keys).toEqual(["sr:progress", "sr:close"]);
    await h.text("liuyang", "进展 已完成专利检索，正在比对参展产品");
    expect(last("chenxm")).toContain("【服务进展】");
    expect(last("chenxm")).toContain("已完成专利检索，正在比对参展产品");
    await h.text("liuyang", "办结 已出具展前风险排查报告并当面讲解");
    expect(await prisma().serviceRequest.findUniqueOrThrow({ where: { id: req.id } })).toMatchObject({ status: "CLOSED", closedById: "demo-agency-staff", outcome: "已出具展前风险排查报告并当面讲解" });
    expect(last("chenxm")).toContain("已由 刘洋 办结");
    expect(last("chenxm")).toContain("办理结果：已出具展前风险排查报告并当面讲解");
    await h.text("chenxm", "我的服务");
    expect(last("chenxm")).toMatch(/7\.2\.4 b 展前风险排查[^\n]*已办结，负责人 刘洋/);

    // Every transition audited on one unbroken chain.
    const studioLog = (await prisma().auditLog.findMany({ where: { subjectId: studio.id, action: { startsWith: "studio." } }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(studioLog).toEqual(["studio.manager_designated", ...Array(3).fill("studio.setup_item_recorded"), "studio.setup_submitted", "studio.setup_confirmed", ...Array(5).fill("studio.member_added")]);
    const serviceLog = (await prisma().auditLog.findMany({ where: { subjectId: req.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(serviceLog).toEqual(["service.requested", "service.escalated", "service.accepted", "service.progress", "service.closed"]);
    expect((await verifyAuditChain(prisma())).ok).toBe(true);
  });
});
