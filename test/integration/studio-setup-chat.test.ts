// 6.4 b and 6.3 b in chat, through the real WeCom route: the final approval asks the applicant
// who manages the studio and the three 6.4 b facts; the manager then answers the set-up
// checklist (a photo as a WeCom image message), the city IP officer returns it once with a
// reason from the card, the manager supplements, the officer confirms: the studio is OPERATING.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageMessageXml } from "../fakes/wecom-callback-signer.ts";
import { applyAndApprove, linkOfficers } from "../support/journey.ts";
import { createWecomHarness, WECOM, type WecomHarness } from "../support/wecom-harness.ts";

let h: WecomHarness;
const prisma = () => h.t.db.prisma;
const said = (u: string) => h.to(u).map((s) => s.content ?? JSON.stringify(s.templateCard));
const last = (u: string) => said(u).at(-1) ?? "";
let msg = 9_000_000;
const image = (u: string, mediaId: string) => h.post(imageMessageXml({ toUser: WECOM.corpId, fromUser: u, mediaId, msgId: String(msg++), createTime: Math.floor(h.clock.now().getTime() / 1000), agentId: WECOM.agentId }));
/** The newest set-up confirm card sent to `u`. */
function setupCard(u: string): { id: string; text: string; keys: string[] } {
  const cards = h.to(u).filter((s) => s.msgtype === "template_card").map((s) => s.templateCard as { task_id: string; button_list?: { key: string }[] });
  const card = cards.filter((c) => c.task_id.startsWith("ss-")).at(-1);
  if (!card) throw new Error(`no set-up card sent to ${u}`);
  return { id: card.task_id, text: JSON.stringify(card), keys: (card.button_list ?? []).map((b) => b.key) };
}
const actions = async () => (await prisma().auditLog.findMany({ orderBy: { id: "asc" } })).map((a) => a.action);

describe("studio manager and set-up checklist in chat [6.4 b, 6.3 b]", () => {
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("[6.4 b] [6.3 b] approved → the applicant designates themself with the three facts → checklist with a WeCom photo → returned once with a reason → supplemented → confirmed: OPERATING", async () => {
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    const applicantId = (await prisma().application.findFirstOrThrow()).applicantId;
    // Approval no longer makes the applicant the manager: the applicant is asked.
    expect(await prisma().roleGrant.count({ where: { personId: applicantId, role: "ENTERPRISE_MANAGER" } })).toBe(0);
    expect(said("chenxm").join("\n")).toContain("按标准 6.4 b，企业须从管理层中指定专人作为工作室管理者");
    expect(last("chenxm")).toContain("请确认工作室管理者");

    await h.text("chenxm", "1"); // 由我本人担任
    expect(last("chenxm")).toContain("是否为企业管理层成员");
    await h.text("chenxm", "是");
    await h.text("chenxm", "是");
    await h.text("chenxm", "是");
    const manager = await prisma().studioMember.findFirstOrThrow({ where: { studioId: studio.id, isManager: true } });
    expect(manager).toMatchObject({ personId: applicantId, side: "ENTERPRISE", employment: "FULL_TIME", managerInManagement: true, managerTechMgmtExperience: true, managerIpKnowledge: true });
    expect(await prisma().roleGrant.count({ where: { personId: applicantId, role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, revokedAt: null } })).toBe(1);
    expect(said("chenxm").join("\n")).toContain(`已指定 您本人 为工作室 ${studio.number} 的管理者（6.4 b）`);
    // The set-up checklist follows at once.
    expect(last("chenxm")).toContain("1/3 固定的工作场所");

    await h.text("chenxm", "中山市小榄镇升平路1号3楼");
    expect(said("chenxm").slice(-2).join("\n")).toContain("工作场所的照片"); // then a 跳过 button card
    await image("chenxm", "MEDIA-WORKPLACE-1");
    expect(last("chenxm")).toContain("2/3 基本的办公软、硬件设备");
    await h.text("chenxm", "电脑 2 台、打印机 1 台、专利检索软件");
    await image("chenxm", "MEDIA-SIGN-1");
    expect(said("chenxm").join("\n")).toContain("建设清单已提交（第 1 次），已请市局知识产权科室 张磊 确认");

    const items = await prisma().studioSetupItem.findMany({ where: { studioId: studio.id }, orderBy: { item: "asc" } });
    expect(items.map((i) => [i.item, i.note, i.photoChannel, i.photoMediaId])).toEqual([
      ["EQUIPMENT", "电脑 2 台、打印机 1 台、专利检索软件", null, null],
      ["SIGN", null, "wecom", "MEDIA-SIGN-1"],
      ["WORKPLACE", "中山市小榄镇升平路1号3楼", "wecom", "MEDIA-WORKPLACE-1"],
    ]);
    const card1 = setupCard("zhanglei");
    expect(card1.keys).toEqual(["ss:confirm", "ss:return"]);
    expect(card1.text).toContain("中山市小榄镇升平路1号3楼");
    expect(await prisma().sentCard.findUniqueOrThrow({ where: { id: card1.id } })).toMatchObject({ subjectType: "studio-setup", subjectId: studio.id, round: 1, personId: "demo-city-ip" });

    // A card answers only the identity it was sent to: the town officer tapping it is refused, audited.
    await h.click("zhoumin", "ss:confirm", card1.id);
    expect(last("zhoumin")).toContain("不是发给您");
    expect((await prisma().studio.findUniqueOrThrow({ where: { id: studio.id } })).status).toBe("SETTING_UP");

    // 退回补充 asks the reason and the items, then the manager gets the checklist for the sign only.
    await h.click("zhanglei", "ss:return", card1.id);
    expect(last("zhanglei")).toContain("请输入退回补充的理由");
    await h.text("zhanglei", "好");
    expect(last("zhanglei")).toContain("至少 2 个字");
    await h.text("zhanglei", "标志照片看不清，请重拍");
    expect(last("zhanglei")).toContain("需要补充哪几项");
    await h.text("zhanglei", "3");
    expect(said("zhanglei").join("\n")).toContain("需补充：工作室标志");
    expect(said("chenxm").join("\n")).toContain("【建设清单退回补充】");
    expect(last("chenxm")).toContain("3/3 工作室标志");
    expect(said("chenxm").join("\n")).toContain("退回理由：标志照片看不清，请重拍");
    expect((await prisma().studioSetupItem.findFirstOrThrow({ where: { studioId: studio.id, item: "SIGN" } })).returnReason).toBe("标志照片看不清，请重拍");

    // The round-1 card is spent.
    await h.click("zhanglei", "ss:confirm", card1.id);
    expect(last("zhanglei")).toContain("建设清单已退回企业补充");

    await image("chenxm", "MEDIA-SIGN-2");
    expect(said("chenxm").join("\n")).toContain("建设清单已提交（第 2 次）");
    const card2 = setupCard("zhanglei");
    expect(card2.id).not.toBe(card1.id);
    await h.click("zhanglei", "ss:confirm", card1.id); // the old card, again
    expect(last("zhanglei")).toContain("请以最新的确认卡片为准");
    // 工作室情况 gives the officer a fresh card for the round awaiting confirmation (as the reminder says).
    await h.text("zhanglei", "工作室情况");
    expect(said("zhanglei").at(-2)).toContain("清单已提交，等待市局知识产权科室确认");
    const card3 = setupCard("zhanglei");
    expect(card3.id).not.toBe(card2.id);
    expect(await prisma().sentCard.findUniqueOrThrow({ where: { id: card3.id } })).toMatchObject({ round: 2, subjectId: studio.id });
    await h.click("zhanglei", "ss:confirm", card3.id);

    const done = await prisma().studio.findUniqueOrThrow({ where: { id: studio.id } });
    expect(done).toMatchObject({ status: "OPERATING", setupRound: 2, setupConfirmedById: "demo-city-ip" });
    expect(said("chenxm").join("\n")).toContain("工作室正式运行");
    expect(h.fake.updates.some((u) => u.taskId === card3.id && u.replaceName === "已确认")).toBe(true);
    // The other open card of the round says who decided.
    expect(h.fake.updates.find((u) => u.taskId === card2.id)?.replaceName).toMatch(/^已由 张磊 于 \d\d-\d\d 确认$/);
    // A second tap on the confirmed card records nothing more.
    await h.click("zhanglei", "ss:confirm", card2.id);
    expect(last("zhanglei")).toContain("工作室已确认运行");

    await h.text("chenxm", "工作室建设");
    expect(last("chenxm")).toContain("建设情况（6.3 b）：运行中");

    const log = await actions();
    expect(log.filter((a) => a.startsWith("studio."))).toEqual([
      "studio.manager_designated",
      "studio.setup_item_recorded",
      "studio.setup_item_recorded",
      "studio.setup_item_recorded",
      "studio.setup_submitted",
      "studio.setup_returned",
      "studio.setup_item_recorded",
      "studio.setup_submitted",
      "studio.setup_confirmed",
    ]);
    // Refusals audited: the foreign tap (bot-level) and the two stale taps and the late one.
    expect(log.filter((a) => a === "card.refused")).toHaveLength(1);
    expect(log.filter((a) => a === "studio_setup.refused")).toHaveLength(3);
  });

  it("[6.4 b] the applicant names another of the enterprise's people by mobile; an unknown mobile is asked again; a fact not met is recorded and flagged", async () => {
    // 李四, the application's contact (A.1 联系人), uses WeCom too.
    await prisma().person.create({ data: { name: "李四", mobile: "13912345678", identities: { create: [{ channel: "wecom", externalId: "lisi" }] } } });
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    await h.text("chenxm", "2");
    expect(last("chenxm")).toContain("请输入工作室管理者的手机号");
    await h.text("chenxm", "13700000000");
    for (const a of ["是", "否", "是"]) await h.text("chenxm", a);
    expect(said("chenxm").join("\n")).toContain("没有找到手机号为 137****0000 的本企业人员");
    expect(last("chenxm")).toContain("请确认工作室管理者");
    expect(await prisma().studioMember.count({ where: { studioId: studio.id, isManager: true } })).toBe(0);

    await h.text("chenxm", "2");
    await h.text("chenxm", "139 1234 5678");
    for (const a of ["是", "否", "是"]) await h.text("chenxm", a);
    const lisi = await prisma().person.findFirstOrThrow({ where: { mobile: "13912345678" } });
    expect(await prisma().studioMember.findFirstOrThrow({ where: { studioId: studio.id, isManager: true } })).toMatchObject({ personId: lisi.id, managerTechMgmtExperience: false });
    expect(said("chenxm").join("\n")).toContain("已指定 李四 为工作室");
    expect(said("chenxm").join("\n")).toContain("尚不符合：具备企业技术管理经验");
    // The applicant stays a member; 李四 gets the checklist.
    expect(await prisma().studioMember.count({ where: { studioId: studio.id, leftAt: null, side: "ENTERPRISE" } })).toBe(2);
    expect(said("lisi").join("\n")).toContain("已指定您为工作室");
    expect(last("lisi")).toContain("1/3 固定的工作场所");
    await h.text("lisi", "中山市小榄镇升平路1号3楼");
    // 工作室建设 mid-checklist resumes it at the current question; the applicant is told who keeps it.
    await h.text("lisi", "工作室建设");
    expect(said("lisi").slice(-2).join("\n")).toContain("工作场所的照片");
    await h.text("chenxm", "工作室建设");
    expect(last("chenxm")).toContain("建设清单由工作室管理者 李四 登记");
    // 工作室情况 names the fact not met, for the city IP officer.
    await h.text("zhanglei", "工作室情况");
    expect(last("zhanglei")).toContain("工作室管理者不符合：具备企业技术管理经验");
  });

  it("[6.4 b] a person already on the roster for another side cannot be the enterprise's manager: asked again, with the reason", async () => {
    // 张三, the application's head (A.1 负责人), is also a city IP officer on this studio's roster.
    const zhang = await prisma().person.create({ data: { name: "张三", mobile: "13800138000", identities: { create: [{ channel: "wecom", externalId: "zhangsan" }] }, roles: { create: [{ role: "CITY_IP_OFFICER" }] } } });
    await applyAndApprove(h, "chenxm");
    const studio = await prisma().studio.findFirstOrThrow();
    await prisma().studioMember.create({ data: { studioId: studio.id, personId: zhang.id, side: "CITY_IP", employment: "PART_TIME" } });
    for (const a of ["2", "13800138000", "是", "是", "是"]) await h.text("chenxm", a);
    expect(said("chenxm").join("\n")).toContain("张三 已是工作室其他方面的成员，不能担任企业方管理者。请重新指定。");
    expect(last("chenxm")).toContain("请确认工作室管理者");
    expect(await prisma().studioMember.count({ where: { studioId: studio.id, isManager: true } })).toBe(0);
    for (const a of ["1", "是", "是", "是"]) await h.text("chenxm", a);
    expect(await prisma().studioMember.count({ where: { studioId: studio.id, isManager: true } })).toBe(1);
  });
});
