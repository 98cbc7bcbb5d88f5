// 绑定 codes under concurrency: two confirmations of one claimed code at once link exactly once
// (on PostgreSQL they really run side by side; the conditional update is the guard).
import { afterEach, describe, expect, it } from "vitest";
import { claimLinkCode, confirmLink, issueLinkCode } from "../../src/storage/link-codes.ts";
import { createTestDatabase, testProviders, type TestDatabase } from "../support/test-db.ts";

const SECRET = "link-code-test-secret-0123456789";

describe.each(testProviders())("绑定 codes (%s)", (provider) => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.drop();
  });

  it("two confirmations racing link once; the other finds nothing to confirm", async () => {
    const t = await createTestDatabase(provider);
    open.push(t);
    const prisma = t.db.prisma;
    const now = new Date("2026-03-02T02:00:00Z");
    const owner = await prisma.person.create({ data: { name: "黄志强", identities: { create: [{ channel: "wecom", externalId: "hzq" }] } } });
    const fresh = await prisma.person.create({ data: { name: "tg-1001", identities: { create: [{ channel: "telegram", externalId: "1001" }] } } });
    const sender = { channel: "telegram", userId: "1001" };
    const issued = await prisma.$transaction((tx) => issueLinkCode(tx, SECRET, owner.id, { channel: "wecom", userId: "hzq" }, now));
    if (!("code" in issued)) throw new Error("no code");
    expect(await prisma.$transaction((tx) => claimLinkCode(tx, SECRET, issued.code, sender, fresh.id, now))).toMatchObject({ kind: "claimed", personName: "黄志强" });
    const results = await Promise.all([0, 1].map(() => prisma.$transaction((tx) => confirmLink(tx, sender, fresh.id, now))));
    expect(results.map((r) => r.kind).sort()).toEqual(["linked", "nothing-to-confirm"]);
    const identity = await prisma.channelIdentity.findUniqueOrThrow({ where: { channel_externalId: { channel: "telegram", externalId: "1001" } } });
    expect(identity.personId).toBe(owner.id);
    expect(await prisma.auditLog.count({ where: { action: "identity.linked" } })).toBe(1);
  });
});
