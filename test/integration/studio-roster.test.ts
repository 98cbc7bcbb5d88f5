// 6.4 in chat, through the real WeCom route: 工作室情况 shows a studio's status, set-up state and
// exactly what its roster lacks to its officers and its manager; 工作室成员 lets the city IP
// section (and the town's sub-bureau, ADMIN) add and remove members, refusing a full-time agency
// seat below bachelor's with the reason (6.4 c); others are refused, audited.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-roster-chat-0123456789";
let h: WecomHarness;
const prisma = () => h.t.db.prisma;
const last = (u: string) => h.to(u).map((s) => s.content ?? JSON.stringify(s.templateCard)).at(-1) ?? "";
const saidSince = (u: string, n: number) => h.to(u).slice(n).map((s) => s.content ?? JSON.stringify(s.templateCard)).join("\n");
const admin = (method: string, path: string, body?: unknown) => h.runtime.app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
const refusals = async (action: string) => (await prisma().auditLog.findMany({ where: { action }, orderBy: { id: "asc" } })).map((a) => ({ actorId: a.actorId, channel: a.channel, reason: (JSON.parse(a.detailJson) as { reason: string }).reason }));

/** An approved studio whose applicant (applicant1) designated themself manager in chat with the three facts. */
async function studioWithManager() {
  const { studio, applicant } = await approvedStudio(h);
  for (const a of ["1", "是", "是", "是"]) await h.text("applicant1", a);
  return { studio, applicant };
}

/** 工作室成员 → 添加成员 → who → side → employment (→ education). */
async function addInChat(officer: string, who: string, side: number, employment: 1 | 2, education?: number) {
  await h.text(officer, "工作室成员");
  await h.text(officer, "1");
  await h.text(officer, who);
  await h.text(officer, String(side));
  await h.text(officer, String(employment));
  if (education !== undefined) await h.text(officer, String(education));
  return last(officer);
}

describe("studio roster in chat [6.4]", () => {
  beforeEach(async () => {
    h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN } });
    await linkDemoOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("[6.4 a] [3.1] 工作室情况 names exactly what is missing; members added in chat and through the admin API make the roster compliant; a removal is flagged again", async () => {
    const { studio } = await studioWithManager();
    await h.text("zhanglei", "工作室情况");
    expect(last("zhanglei")).toBe(
      [
        `【工作室情况】${studio.number}（中山市某某（中国）科技有限公司）：建设中`,
        "",
        "建设情况（6.3 b）：建设中，尚需登记：工作场所、办公设备、工作室标志",
        "· 固定的工作场所：未登记",
        "· 基本的办公软、硬件设备：未登记",
        "· 在办公场所标明工作室标志：未登记",
        "",
        `工作室 ${studio.number}（中山市某某（中国）科技有限公司）成员：`,
        "· applicant1（企业，专职，工作室管理者）",
        "人员配备尚缺：",
        "· 市局知识产权相关科室兼职人员还差 2 名（至少 2 名，现有 0 名）",
        "· 镇街市场监督管理分局兼职人员还差 1 名（至少 1 名，现有 0 名）",
        "· 知识产权服务机构本科以上学历专职人员还差 2 名（至少 2 名，现有 0 名）",
      ].join("\n"),
    );
    // Its manager sees it too (the set-up checklist is what they are answering meanwhile).
    await h.text("applicant1", `工作室情况 ${studio.number}`);
    expect(last("applicant1")).toContain("人员配备尚缺：");

    // The city IP officer adds 刘洋 (master's) full-time and themself part-time in chat; the town officer 周敏 by name.
    expect(await addInChat("zhanglei", "13800000041", 3, 1, 3)).toContain("已添加 刘洋（知识产权服务机构，专职，硕士）");
    expect(await addInChat("zhanglei", "13800000021", 1, 2)).toContain("已添加 张磊（市局知识产权相关科室，兼职）");
    expect(await addInChat("zhoumin", "周敏", 2, 2)).toContain("已添加 周敏（镇街市场监督管理分局，兼职）");
    // The rest through the admin API: a second city IP officer, a second agency staff member.
    const zhao = await prisma().person.create({ data: { name: "赵敏", roles: { create: [{ role: "CITY_IP_OFFICER" }] } } });
    const chen = await prisma().person.create({ data: { name: "陈静", education: "bachelor", roles: { create: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] } } });
    expect((await admin("POST", `/admin/studios/${studio.number}/members`, { personId: zhao.id, side: "CITY_IP", employment: "PART_TIME" })).status).toBe(201);
    expect((await admin("POST", `/admin/studios/${studio.number}/members`, { personId: chen.id, side: "AGENCY", employment: "FULL_TIME" })).status).toBe(201);
    await h.text("zhanglei", "工作室情况");
    expect(last("zhanglei")).toContain("人员配备符合要求（6.4）");

    // 刘洋 leaves: removed in chat by number; the row stays with leftAt, and the gap is named.
    await h.text("zhanglei", "工作室成员");
    await h.text("zhanglei", "2");
    // WeCom shows the members as buttons: tap 刘洋's.
    const card = h.to("zhanglei").at(-1)!.templateCard as { task_id: string; button_list: { text: string; key: string }[] };
    const button = card.button_list.find((b) => b.text.startsWith("刘洋"));
    expect(button, JSON.stringify(card)).toBeDefined();
    await h.click("zhanglei", button!.key, card.task_id);
    expect(last("zhanglei")).toContain("已移除 刘洋");
    expect(last("zhanglei")).toContain("· 知识产权服务机构本科以上学历专职人员还差 1 名（至少 2 名，现有 1 名）");
    expect(await prisma().studioMember.findFirstOrThrow({ where: { studioId: studio.id, personId: "demo-agency-staff" } })).toMatchObject({ removedById: "demo-city-ip", leftAt: expect.any(Date) });
    const audit = (await prisma().auditLog.findMany({ where: { subjectId: studio.id, action: { startsWith: "studio.member_" } }, orderBy: { id: "asc" } })).map((a) => [a.action, a.actorId, a.channel]);
    expect(audit).toEqual([
      ["studio.member_added", "demo-city-ip", "wecom"],
      ["studio.member_added", "demo-city-ip", "wecom"],
      ["studio.member_added", "demo-town-xiaolan", "wecom"],
      ["studio.member_added", null, "admin-api"],
      ["studio.member_added", null, "admin-api"],
      ["studio.member_removed", "demo-city-ip", "wecom"],
    ]);
  });

  it("[6.4 c] a full-time agency seat below bachelor's is refused in chat with the reason; a part-time one is not", async () => {
    const { studio } = await studioWithManager();
    const college = await prisma().person.create({ data: { name: "黄磊", mobile: "13800000042", roles: { create: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] } } });
    const reply = await addInChat("zhanglei", "13800000042", 3, 1, 1);
    expect(reply).toContain("服务机构专职人员须具备本科以上学历（登记为大专），不能担任专职人员");
    expect(reply).toContain("名单未改动");
    expect(await prisma().studioMember.count({ where: { studioId: studio.id, personId: college.id } })).toBe(0);
    expect((await prisma().person.findUniqueOrThrow({ where: { id: college.id } })).education).toBeNull();
    // Part-time agency staff are not held to 6.4 c, and do not count towards the full-time seats.
    expect(await addInChat("zhanglei", "黄磊", 3, 2, 1)).toContain("已添加 黄磊（知识产权服务机构，兼职，大专）");
    expect(last("zhanglei")).toContain("知识产权服务机构本科以上学历专职人员还差 2 名");
    // Someone without the side's role is refused with the reason.
    expect(await addInChat("zhanglei", "刘洋", 1, 2)).toContain("市局知识产权相关科室成员须有 CITY_IP_OFFICER 角色");
  });

  it("[6.4 a] only officers and admins keep the roster, and only officers and the studio's own people see its state; refusals are audited", async () => {
    await studioWithManager();
    await h.text("applicant1", "工作室成员"); // the manager sees, but does not edit, the roster
    expect(last("applicant1")).toContain("“工作室成员”只对市局知识产权科室");
    const before = h.to("stranger1").length;
    await h.text("stranger1", "工作室情况");
    expect(saidSince("stranger1", before)).toContain("您还没有可以查看的工作室");
    await h.text("stranger1", "工作室成员");
    await h.text("liuyang", "工作室成员"); // agency staff: not on the roster yet, no editing either
    const applicant = await prisma().person.findFirstOrThrow({ where: { identities: { some: { externalId: "applicant1" } } } });
    const stranger = await prisma().person.findFirstOrThrow({ where: { identities: { some: { externalId: "stranger1" } } } });
    expect(await refusals("studio_roster.refused")).toEqual([
      { actorId: applicant.id, channel: "wecom", reason: "may_not_edit_roster" },
      { actorId: stranger.id, channel: "wecom", reason: "may_not_edit_roster" },
      { actorId: "demo-agency-staff", channel: "wecom", reason: "may_not_edit_roster" },
    ]);
    expect(await refusals("studio_status.refused")).toEqual([{ actorId: stranger.id, channel: "wecom", reason: "no_studio_of_theirs" }]);
    // The town officer of another town may not edit this studio's roster (none of that town's studios).
    await prisma().channelIdentity.create({ data: { personId: "demo-town-zhongshangang", channel: "wecom", externalId: "liwei" } });
    await h.text("liwei", "工作室成员");
    expect(last("liwei")).toContain("目前没有您可以维护成员的工作室");
    expect(await prisma().conversationSession.count({ where: { personId: "demo-town-zhongshangang" } })).toBe(0);
  });
});
