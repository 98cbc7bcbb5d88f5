// Defect 7 a: a town cannot take a name or alias another active town answers to (address → town
// matching relies on each label naming one town).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRuntime } from "../../src/app/create-app.ts";
import { loadConfig } from "../../src/config/config.ts";
import { townFromAddress } from "../../src/domain/towns.ts";
import { seedDatabase } from "../../src/storage/seed.ts";
import { memoryLogger } from "../support/silent-logger.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";
import { testClock } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-0123456789";
let t: TestDatabase;
let app: ReturnType<typeof createRuntime>["app"];
const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.request(path, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { message?: string } };
};
const activeTowns = async () => (await t.db.prisma.town.findMany({ where: { active: true } })).map((x) => ({ ...x, aliases: JSON.parse(x.aliases) as string[] }));

beforeEach(async () => {
  t = await createTestDatabase();
  await seedDatabase(t.db.prisma, { production: true });
  app = createRuntime({ config: loadConfig({ ADMIN_TOKEN: TOKEN, SIMULATOR_ENABLED: "false" }), db: t.db, logger: memoryLogger().logger, clock: testClock() }).app;
});
afterEach(async () => {
  await t.drop();
});

describe("town names and aliases are unique across active towns", () => {
  it("refuses a rename or alias that another active town answers to, with a clear 409, and changes nothing", async () => {
    const before = await t.db.prisma.town.findMany({ orderBy: { id: "asc" } });
    const cases: Array<[string, string, unknown]> = [
      ["PATCH", "/admin/towns/dongqu", { name: "东升" }], // an alias of 小榄
      ["PATCH", "/admin/towns/dongqu", { name: "小榄镇" }],
      ["PATCH", "/admin/towns/dongqu", { aliases: ["东区街道", "火炬开发区"] }], // an alias of 中山港
      ["PATCH", "/admin/towns/dongqu", { aliases: ["东 升"] }], // spacing does not make it another label
      ["PATCH", "/admin/towns/dongqu", { aliases: ["ＸＸ", "石岐"] }], // another town's name
      ["POST", "/admin/towns", { id: "cuiheng", name: "翠亨", kind: "街道", aliases: ["南朗镇"] }],
      ["POST", "/admin/towns", { id: "dongsheng", name: "东升", kind: "镇" }],
    ];
    for (const [method, path, body] of cases) {
      const r = await call(method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(409);
      expect(r.json.message).toMatch(/already used by town \w+ \(.+\); names and aliases must be unique across active towns/);
    }
    expect(await t.db.prisma.town.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    expect(townFromAddress("中山市东升镇同茂路1号", await activeTowns())?.id).toBe("xiaolan");
    expect(await t.db.prisma.auditLog.count({ where: { action: { startsWith: "directory.town" } } })).toBe(0);
  });

  it("an inactive town's labels are free; reactivating it checks them again; empty aliases are refused", async () => {
    expect((await call("PATCH", "/admin/towns/xiaolan", { active: false })).status).toBe(200);
    expect((await call("POST", "/admin/towns", { id: "dongsheng", name: "东升", kind: "镇", aliases: ["东升镇"] })).status).toBe(201);
    expect(townFromAddress("中山市东升镇同茂路1号", await activeTowns())?.id).toBe("dongsheng");
    const back = await call("PATCH", "/admin/towns/xiaolan", { active: true });
    expect(back.status).toBe(409);
    expect(back.json.message).toContain("dongsheng");
    // Reactivating with the clashing aliases dropped is fine.
    expect((await call("PATCH", "/admin/towns/xiaolan", { active: true, aliases: ["小榄镇"] })).status).toBe(200);
    // A town's own labels may repeat within it; an empty alias would match every address.
    expect((await call("PATCH", "/admin/towns/dongqu", { name: "东区", aliases: ["东区", "东区街道"] })).status).toBe(200);
    expect((await call("POST", "/admin/towns", { id: "kong", name: "空", kind: "镇", aliases: [""] })).status).toBe(400);
  });
});
