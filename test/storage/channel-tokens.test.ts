// Platform access tokens shared through the ChannelToken table: one fetch for every instance,
// refreshed before expiry, and a token refused by the platform dropped only if it is still the
// stored one.
import { afterEach, describe, expect, it } from "vitest";
import { cachedTokenStore } from "../../src/channels/token-store.ts";
import { channelTokenTable } from "../../src/storage/channel-tokens.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

describe("channel tokens (ChannelToken table)", () => {
  const open: TestDatabase[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.drop();
  });

  async function setup() {
    const t = await createTestDatabase();
    open.push(t);
    const clock = testClock(new Date("2026-03-02T09:00:00Z"));
    let fetches = 0;
    const fresh = async () => ({ token: `tok-${++fetches}`, expiresAt: new Date(clock.now().getTime() + 7_200_000) });
    return { t, clock, fresh, fetches: () => fetches, store: () => cachedTokenStore(clock.now, channelTokenTable(t.db.prisma)) };
  }

  it("two instances (and a restart) share one fetched token; concurrent callers share one fetch", async () => {
    const s = await setup();
    const a = s.store();
    expect(await Promise.all([a.get("wecom:x", s.fresh), a.get("wecom:x", s.fresh)])).toEqual(["tok-1", "tok-1"]);
    expect(await s.store().get("wecom:x", s.fresh)).toBe("tok-1");
    expect(s.fetches()).toBe(1);
  });

  it("is refreshed 5 minutes before it expires", async () => {
    const s = await setup();
    const a = s.store();
    await a.get("k", s.fresh);
    s.clock.advance(7_200_000 - 5 * 60_000 - 1_000);
    expect(await a.get("k", s.fresh)).toBe("tok-1");
    s.clock.advance(2_000);
    expect(await a.get("k", s.fresh)).toBe("tok-2");
    expect(await s.store().get("k", s.fresh)).toBe("tok-2");
  });

  it("a refused token is dropped everywhere, but not a newer one another instance stored", async () => {
    const s = await setup();
    const a = s.store();
    const b = s.store();
    expect(await a.get("k", s.fresh)).toBe("tok-1");
    expect(await b.get("k", s.fresh)).toBe("tok-1");
    await b.invalidate("k", "tok-1");
    expect(await b.get("k", s.fresh)).toBe("tok-2");
    // a still holds tok-1 and finds it refused late: tok-2 stays.
    await a.invalidate("k", "tok-1");
    expect(await a.get("k", s.fresh)).toBe("tok-2");
    expect(s.fetches()).toBe(2);
  });
});
