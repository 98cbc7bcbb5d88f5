import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { attachSetupPhotoKey, confirmSetup, recordSetupItem, returnSetup, setupStatus, submitSetup } from "../../src/app/studios/setup-checklist.ts";
import type { StudioActor } from "../../src/app/studios/studio-records.ts";
import { addMember } from "../../src/app/studios/studio-members.ts";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const cityIp: StudioActor = { personId: "demo-city-ip", role: "CITY_IP_OFFICER", channel: "wecom" };
const town: StudioActor = { personId: "demo-town-xiaolan", role: "TOWN_OFFICER", channel: "wecom" };
const ZHANG = { name: "张磊" };

describe("studio set-up checklist [6.3 b]", () => {
  let h: WecomHarness;
  const tx = <T>(fn: (tx: Parameters<Parameters<WecomHarness["t"]["db"]["prisma"]["$transaction"]>[0]>[0]) => Promise<T>) => h.t.db.prisma.$transaction(fn);
  const now = () => h.clock.now();
  const told = async (userId: string) => (await h.t.db.prisma.outboxMessage.findMany({ where: { externalUserId: userId }, orderBy: { seq: "asc" } })).map((m) => (JSON.parse(m.payloadJson) as { text?: string }).text ?? "");
  beforeEach(async () => {
    h = await createWecomHarness();
    await linkDemoOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("[6.3 b] the manager records workplace, equipment and sign; the city IP officer returns with a reason, then confirms: the studio is OPERATING", async () => {
    const { studio, applicant } = await approvedStudio(h);
    const manager: StudioActor = { personId: applicant.id, role: "ENTERPRISE_MANAGER", channel: "wecom" };
    const stranger = await h.runtime.services.directory.resolve({ channel: "wecom", userId: "stranger" });

    await expect(tx((t) => recordSetupItem(t, { studio: studio.number, item: "WORKPLACE", note: "小榄镇" }, { personId: stranger.id, channel: "wecom" }, now()))).rejects.toMatchObject({ code: "forbidden" });
    await expect(tx((t) => recordSetupItem(t, { studio: studio.number, item: "WORKPLACE", note: "  " }, manager, now()))).rejects.toMatchObject({ code: "validation" });
    await tx((t) => recordSetupItem(t, { studio: studio.number, item: "WORKPLACE", note: "中山市小榄镇工业大道 12 号 3 楼" }, manager, now()));
    await tx((t) => recordSetupItem(t, { studio: studio.id, item: "EQUIPMENT", photo: { channel: "wecom", mediaId: "MEDIA-EQ-1" } }, manager, now()));
    await expect(tx((t) => submitSetup(t, studio.number, manager, now()))).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("SIGN") });
    await tx((t) => recordSetupItem(t, { studio: studio.number, item: "SIGN", note: "门口挂牌", photo: { channel: "wecom", mediaId: "MEDIA-SIGN-1" } }, manager, now()));
    // The photo's file, once fetched, is kept under a storage key (only for the same media id).
    expect(await tx((t) => attachSetupPhotoKey(t, { studioId: studio.id, item: "EQUIPMENT", mediaId: "MEDIA-EQ-1", key: "setup/eq-1.jpg" }))).toBe(true);
    expect(await tx((t) => attachSetupPhotoKey(t, { studioId: studio.id, item: "EQUIPMENT", mediaId: "OTHER", key: "x.jpg" }))).toBe(false);

    const first = await tx((t) => submitSetup(t, studio.number, manager, now()));
    expect(first.round).toBe(1);
    expect(first.officerIds).toEqual(["demo-city-ip"]); // no CITY_IP member yet: every CITY_IP_OFFICER

    // Only the studio's city IP officer decides.
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round: 1 }, town, now(), { name: "周敏" }))).rejects.toMatchObject({ code: "forbidden" });
    await expect(tx((t) => returnSetup(t, { studio: studio.number, round: 1, reason: "x" }, cityIp, now(), ZHANG))).rejects.toMatchObject({ code: "validation" });
    await tx((t) => returnSetup(t, { studio: studio.number, round: 1, reason: "标志照片看不清，请重拍", items: ["SIGN"] }, cityIp, now(), ZHANG));
    expect((await tx((t) => setupStatus(t, studio.number))).missing).toEqual(["SIGN"]);
    expect((await told("applicant1")).at(-1)).toContain("标志照片看不清，请重拍");
    expect((await told("applicant1")).at(-1)).toContain("需补充：在办公场所标明工作室标志");
    // The card of round 1 is spent: confirming it now refuses, saying why.
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round: 1 }, cityIp, now(), ZHANG))).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("退回") });
    await expect(tx((t) => submitSetup(t, studio.number, manager, now()))).rejects.toMatchObject({ code: "conflict" });

    await tx((t) => recordSetupItem(t, { studio: studio.number, item: "SIGN", photo: { channel: "wecom", mediaId: "MEDIA-SIGN-2" } }, manager, now()));
    expect((await tx((t) => submitSetup(t, studio.number, manager, now()))).round).toBe(2);
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round: 1 }, cityIp, now(), ZHANG))).rejects.toMatchObject({ message: expect.stringContaining("最新") });
    const operating = await tx((t) => confirmSetup(t, { studio: studio.number, round: 2 }, cityIp, now(), ZHANG));
    expect(operating).toMatchObject({ status: "OPERATING", setupConfirmedById: "demo-city-ip" });
    expect((await told("applicant1")).at(-1)).toContain("建设情况已由 张磊 确认，工作室正式运行");
    // Afterwards: a second tap, a return, a new item are refused; nothing changes.
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round: 2 }, cityIp, now(), ZHANG))).rejects.toMatchObject({ message: expect.stringContaining("已确认") });
    await expect(tx((t) => returnSetup(t, { studio: studio.number, round: 2, reason: "再看看" }, cityIp, now(), ZHANG))).rejects.toMatchObject({ code: "conflict" });
    await expect(tx((t) => recordSetupItem(t, { studio: studio.number, item: "SIGN", note: "新牌" }, manager, now()))).rejects.toMatchObject({ code: "conflict" });

    const items = await h.t.db.prisma.studioSetupItem.findMany({ where: { studioId: studio.id }, orderBy: { item: "asc" } });
    expect(items.map((i) => [i.item, i.photoMediaId, i.photoKey, i.confirmedById, i.returnedAt])).toEqual([
      ["EQUIPMENT", "MEDIA-EQ-1", "setup/eq-1.jpg", "demo-city-ip", null],
      ["SIGN", "MEDIA-SIGN-2", null, "demo-city-ip", null],
      ["WORKPLACE", null, null, "demo-city-ip", null],
    ]);
    const actions = (await h.t.db.prisma.auditLog.findMany({ where: { subjectId: studio.id }, orderBy: { id: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["studio.setup_item_recorded", "studio.setup_item_recorded", "studio.setup_item_recorded", "studio.setup_submitted", "studio.setup_returned", "studio.setup_item_recorded", "studio.setup_submitted", "studio.setup_confirmed"]);
  });

  it("[6.3 b] a change after submission withdraws it (old cards go stale); two simultaneous confirmations record one; a studio with its own city IP members is confirmed only by them", async () => {
    const { studio, applicant } = await approvedStudio(h);
    const manager: StudioActor = { personId: applicant.id, channel: "wecom" };
    for (const item of ["WORKPLACE", "EQUIPMENT", "SIGN"] as const) await tx((t) => recordSetupItem(t, { studio: studio.number, item, note: `${item} 已就绪` }, manager, now()));
    expect((await tx((t) => submitSetup(t, studio.number, manager, now()))).round).toBe(1);
    await tx((t) => recordSetupItem(t, { studio: studio.number, item: "WORKPLACE", note: "搬到 5 楼" }, manager, now()));
    expect((await tx((t) => setupStatus(t, studio.number))).submitted).toBe(false);
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round: 1 }, cityIp, now(), ZHANG))).rejects.toMatchObject({ code: "conflict" });
    const { round } = await tx((t) => submitSetup(t, studio.number, manager, now()));
    expect(round).toBe(3); // 1 submitted, 2 withdrawn by the change, 3 submitted again

    // The studio's own CITY_IP member decides; another CITY_IP_OFFICER no longer may.
    const other = (await h.t.db.prisma.person.create({ data: { name: "赵敏", roles: { create: [{ role: "CITY_IP_OFFICER" }] } } })).id;
    await tx((t) => addMember(t, { studio: studio.number, personId: other, side: "CITY_IP", employment: "PART_TIME" }, { personId: null, role: "ADMIN", channel: "admin-api" }, now()));
    await expect(tx((t) => confirmSetup(t, { studio: studio.number, round }, cityIp, now(), ZHANG))).rejects.toMatchObject({ code: "forbidden" });

    const zhao: StudioActor = { personId: other, channel: "wecom" };
    const results = await Promise.allSettled([1, 2].map(() => tx((t) => confirmSetup(t, { studio: studio.number, round }, zhao, now(), { name: "赵敏" }))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(["conflict"]);
    expect(await h.t.db.prisma.auditLog.count({ where: { action: "studio.setup_confirmed" } })).toBe(1);
    expect((await told("applicant1")).filter((t) => t.includes("正式运行"))).toHaveLength(1);
  });
});
