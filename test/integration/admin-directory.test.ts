import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HAPPY } from "../flows/helpers.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe("admin directory API", () => {
  let h: WecomHarness;
  const call = (method: string, path: string, body?: unknown) => h.runtime.app.request(path, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  beforeEach(async () => {
    h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("adds a town officer reachable on WeCom, who then gets the approval cards of that town; revoking takes the right away", async () => {
    expect((await h.runtime.app.request("/admin/people", { method: "POST", body: "{}" })).status).toBe(401);
    expect((await call("POST", "/admin/people", { name: "王五", roles: [{ role: "TOWN_OFFICER" }] })).status).toBe(400);
    expect((await call("POST", "/admin/people", { name: "王五", roles: [{ role: "TOWN_OFFICER", townId: "atlantis" }] })).status).toBe(400);
    expect((await call("POST", "/admin/people", { name: "王五", mobile: "12345" })).status).toBe(400);
    expect((await call("POST", "/admin/people", "not an object")).status).toBe(400);

    const created = await call("POST", "/admin/people", { name: "王五", mobile: "13700000000", identities: [{ channel: "wecom", externalId: "wangwu" }], roles: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] });
    expect(created.status).toBe(201);
    const person = (await created.json()) as { id: string; roles: { id: string }[] };
    expect((await call("POST", "/admin/people", { name: "重复", identities: [{ channel: "wecom", externalId: "wangwu" }] })).status).toBe(409);
    const listed = (await (await call("GET", "/admin/people?role=TOWN_OFFICER")).json()) as { people: { name: string }[] };
    expect(listed.people.map((p) => p.name)).toContain("王五");

    await h.text("app1", "申请工作室");
    for (const [field, typed] of HAPPY) await h.text("app1", field === "townId" ? "是" : typed);
    await h.text("app1", "确认提交");
    const card = h.to("wangwu").find((s) => s.msgtype === "template_card")!.templateCard as { task_id: string };
    expect(card).toBeDefined();

    expect((await call("DELETE", `/admin/roles/${person.roles[0]!.id}`)).status).toBe(200);
    expect((await call("DELETE", `/admin/roles/${person.roles[0]!.id}`)).status).toBe(404);
    await h.click("wangwu", "ap:approve", card.task_id);
    expect(h.to("wangwu").at(-1)!.content).toContain("无权");
    expect((await h.t.db.prisma.approvalStep.findFirstOrThrow()).status).toBe("PENDING");
    const actions = (await h.t.db.prisma.auditLog.findMany()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["directory.person_created", "directory.role_revoked", "approval.refused"]));
  });

  it("keeps the town list editable: deactivate, rename with aliases, add", async () => {
    expect((await call("PATCH", "/admin/towns/shiqi", { active: false, aliases: ["石岐区", "石岐街道"] })).status).toBe(200);
    expect((await call("PATCH", "/admin/towns/nowhere", { active: false })).status).toBe(404);
    expect((await call("PATCH", "/admin/towns/dongqu", { name: "西区" })).status).toBe(409);
    expect((await call("POST", "/admin/towns", { id: "cuiheng", name: "翠亨", kind: "街道" })).status).toBe(201);
    const towns = (await (await call("GET", "/admin/towns")).json()) as { towns: { id: string; active: boolean }[] };
    expect(towns.towns).toHaveLength(24);
    expect(towns.towns.find((t) => t.id === "shiqi")!.active).toBe(false);
  });
});
