import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seedDatabase } from "../../src/storage/seed.ts";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";

// The same storage behaviour on every database the product supports.
describe.each(testProviders())("repository contract on %s", (provider) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await t.drop();
  });

  it("seeds the 23 towns once and keeps an admin's edits", async () => {
    const first = await seedDatabase(t.db.prisma, { production: true });
    expect(first).toEqual({ towns: 23, demo: false });
    const towns = await t.db.prisma.town.findMany({ orderBy: { sortOrder: "asc" } });
    expect(towns.map((x) => x.name)).toContain("中山港");
    expect(towns.filter((x) => x.kind === "街道")).toHaveLength(8);
    await t.db.prisma.town.update({ where: { id: "shiqi" }, data: { active: false } });
    expect((await seedDatabase(t.db.prisma, { production: true })).towns).toBe(0);
    expect((await t.db.prisma.town.findUniqueOrThrow({ where: { id: "shiqi" } })).active).toBe(false);
  });

  it("seeds the demo directory only outside production and only into an empty directory", async () => {
    expect((await seedDatabase(t.db.prisma, { production: true })).demo).toBe(false);
    expect(await t.db.prisma.person.count()).toBe(0);
    expect((await seedDatabase(t.db.prisma, { production: false })).demo).toBe(true);
    const roles = await t.db.prisma.roleGrant.findMany();
    for (const role of ["ENTERPRISE_MANAGER", "ENTERPRISE_HEAD", "TOWN_OFFICER", "CITY_IP_OFFICER", "CITY_LEADER", "AGENCY_STAFF", "ADMIN"]) {
      expect(roles.some((r) => r.role === role)).toBe(true);
    }
    expect(await t.db.prisma.enterprise.count()).toBe(2);
    expect((await seedDatabase(t.db.prisma, { production: false })).demo).toBe(false);
  });

  it("links one person to several channels, each identity unique per channel", async () => {
    const p = await t.db.prisma.person.create({
      data: { name: "陈晓明", identities: { create: [{ channel: "wecom", externalId: "chenxm" }, { channel: "telegram", externalId: "42" }] } },
    });
    const found = await t.db.prisma.channelIdentity.findUnique({ where: { channel_externalId: { channel: "telegram", externalId: "42" } }, include: { person: true } });
    expect(found?.person.id).toBe(p.id);
    await expect(t.db.prisma.channelIdentity.create({ data: { personId: p.id, channel: "wecom", externalId: "chenxm" } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("rejects a second inbound event with the same dedupe key", async () => {
    const row = { channel: "wecom", dedupeKey: "msg:1", payloadJson: "{}" };
    await t.db.prisma.inboundEvent.create({ data: row });
    await expect(t.db.prisma.inboundEvent.create({ data: row })).rejects.toMatchObject({ code: "P2002" });
    await t.db.prisma.inboundEvent.create({ data: { ...row, channel: "dingtalk" } });
  });

  it("keeps money as exact integers and deadlines as calendar dates", async () => {
    await seedDatabase(t.db.prisma, { production: true });
    const e = await t.db.prisma.enterprise.create({ data: { name: "测试企业", townId: "xiaolan", registeredCapitalYuan: 123_456_789_012n } });
    const a = await t.db.prisma.ipAsset.create({ data: { enterpriseId: e.id, kind: "PATENT_INVENTION", title: "一种装置", naturalKey: "ZL202110000001.0", expiryDate: "2031-02-29".replace("29", "28") } });
    const back = await t.db.prisma.enterprise.findUniqueOrThrow({ where: { id: e.id } });
    expect(back.registeredCapitalYuan).toBe(123_456_789_012n);
    expect((await t.db.prisma.ipAsset.findUniqueOrThrow({ where: { id: a.id } })).expiryDate).toBe("2031-02-28");
  });

  it("lets exactly one of many concurrent conditional updates win", async () => {
    await seedDatabase(t.db.prisma, { production: false });
    const app = await t.db.prisma.application.create({ data: minimalApplication() });
    const step = await t.db.prisma.approvalStep.create({ data: { applicationId: app.id, stage: 1, round: 1, role: "TOWN_OFFICER", townId: "xiaolan", status: "PENDING", dueOn: "2026-11-30" } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.db.prisma.approvalStep.updateMany({ where: { id: step.id, status: "PENDING" }, data: { status: "APPROVED", decidedById: `officer-${i}` } }),
      ),
    );
    expect(results.filter((r) => r.count === 1)).toHaveLength(1);
    await expect(t.db.prisma.approvalStep.create({ data: { applicationId: app.id, stage: 1, round: 1, role: "TOWN_OFFICER", status: "PENDING", dueOn: "2026-11-30" } })).rejects.toMatchObject({ code: "P2002" });
  });

  it("numbers audit entries in the order they were written", async () => {
    for (const action of ["a", "b", "c"]) await t.db.prisma.auditLog.create({ data: { action, subjectType: "test", subjectId: "1" } });
    const rows = await t.db.prisma.auditLog.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => r.action)).toEqual(["a", "b", "c"]);
  });
});

export function minimalApplication() {
  return {
    applicantId: "demo-manager-xiaolan",
    status: "IN_REVIEW",
    stage: 1,
    enterpriseName: "中山市榄盛五金制品有限公司",
    registeredAddress: "中山市小榄镇工业大道 12 号",
    townId: "xiaolan",
    listingStatus: "未上市",
    registeredCapitalYuan: 5_000_000n,
    headcount: 120,
    isAboveScale: true,
    specialisedLevel: "无",
    isLeadingReserve: false,
    isIpKeyProtection: false,
    headName: "何国华",
    headTitle: "总经理",
    headMobile: "13800000004",
    contactName: "梁婉仪",
    contactTitle: "副总经理",
    contactMobile: "13800000003",
    hasIpDepartment: false,
    ipStaffCount: 1,
    validInvention: 3,
    validUtility: 10,
    validDesign: 2,
    validPct: 0,
    validTrademarkDomestic: 4,
    validTrademarkOverseas: 0,
    validCopyright: 1,
    validOther: 0,
    headConfirmation: "SELF",
  };
}
