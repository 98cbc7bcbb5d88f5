import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { approvedStudio, linkDemoOfficers } from "../support/approved-studio.ts";
import { createWecomHarness, type WecomHarness } from "../support/wecom-harness.ts";

const TOKEN = "admin-token-studios-0123456789";
const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const ALL_FACTS = { inManagement: true, techMgmtExperience: true, ipKnowledge: true };

interface StudioJson {
  id: string;
  number: string;
  status: string;
  enterprise: { name: string };
  members: { id: string; person: { id: string; name: string }; side: string; employment: string; isManager: boolean; agency: { id: string } | null }[];
  compliance: { ok: boolean; missing: { code: string; need?: number; have?: number; fact?: string }[] };
  formerMembers?: { id: string; leftAt: string }[];
}

describe("admin API: agencies and studio rosters [6.4]", () => {
  let h: WecomHarness;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await h.runtime.app.request(path, { method, headers: auth, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const person = async (name: string, roles: unknown[], education?: string) => (await call("POST", "/admin/people", { name, roles, ...(education ? { education } : {}) })).json.id as string;
  const codes = (s: { compliance: StudioJson["compliance"] }) => s.compliance.missing.map((g) => g.code);
  beforeEach(async () => {
    h = await createWecomHarness({ env: { ADMIN_TOKEN: TOKEN } });
    await linkDemoOfficers(h);
  });
  afterEach(async () => {
    await h.close();
  });

  it("[6.4 a] [3.1] a new studio lists what its roster lacks; officers, town, agency staff and the manager make it compliant; a removal keeps the row", async () => {
    const { studio, applicant } = await approvedStudio(h);
    expect(studio.status).toBe("SETTING_UP");

    // Agencies: create, refuse a duplicate and a bad body, list.
    expect((await call("POST", "/admin/agencies", { name: "中山市粤知知识产权服务有限公司" })).status).toBe(201);
    expect((await call("POST", "/admin/agencies", { name: "中山市粤知知识产权服务有限公司" })).status).toBe(409);
    expect((await call("POST", "/admin/agencies", {})).status).toBe(400);
    expect((await call("POST", "/admin/agencies", "[")).status).toBe(400);
    const agencies = (await call("GET", "/admin/agencies")).json.agencies as { id: string; name: string; staff: number }[];
    expect(agencies.map((a) => a.name)).toEqual(["中山市知桥知识产权代理有限公司", "中山市粤知知识产权服务有限公司"]);
    const second = agencies[1]!.id;

    // Listed with what is missing: the enterprise member from the application is not yet a designated manager.
    const listed = (await call("GET", "/admin/studios")).json.studios as StudioJson[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: studio.id, number: studio.number, status: "SETTING_UP", compliance: { ok: false } });
    expect(codes(listed[0]!)).toEqual(["CITY_IP_PART_TIME_SHORT", "TOWN_PART_TIME_SHORT", "AGENCY_FULL_TIME_SHORT", "ENTERPRISE_MANAGER_NOT_DESIGNATED"]);
    expect(listed[0]!.compliance.missing[0]).toEqual({ code: "CITY_IP_PART_TIME_SHORT", clause: "6.4 a", side: "CITY_IP", need: 2, have: 0 });
    // The number works wherever the id does.
    const byNumber = await call("GET", `/admin/studios/${studio.number}`);
    expect(byNumber.status).toBe(200);
    expect((byNumber.json as unknown as StudioJson).id).toBe(studio.id);
    expect((await call("GET", `/admin/studios/${studio.id}`)).json.number).toBe(studio.number);
    expect((await call("GET", "/admin/studios/ZSIPS-1999-999")).status).toBe(404);
    expect((await call("GET", "/admin/studios?status=ACTIVE")).status).toBe(400);

    const add = (body: Record<string, unknown>, id = studio.number) => call("POST", `/admin/studios/${id}/members`, body);
    // The side's role is required; the town officer must be of the enterprise's town.
    expect((await add({ personId: "demo-agency-staff", side: "CITY_IP", employment: "PART_TIME" })).status).toBe(409);
    expect((await add({ personId: "demo-town-zhongshangang", side: "TOWN", employment: "PART_TIME" })).status).toBe(409);
    expect((await add({ personId: "demo-city-ip", side: "AUTHORITY", employment: "PART_TIME" })).status).toBe(400);
    expect((await add({ personId: "nobody", side: "CITY_IP", employment: "PART_TIME" })).status).toBe(400);
    expect((await add({ personId: "demo-city-ip", side: "CITY_IP", employment: "PART_TIME" }, "nowhere")).status).toBe(404);
    expect((await add({ personId: "demo-city-ip", side: "CITY_IP", employment: "PART_TIME", managerFacts: ALL_FACTS })).status).toBe(400);

    expect((await add({ personId: "demo-city-ip", side: "CITY_IP", employment: "PART_TIME" })).status).toBe(201);
    expect((await add({ personId: "demo-city-ip", side: "CITY_IP", employment: "PART_TIME" })).status).toBe(409);
    const secondIp = await person("赵敏", [{ role: "CITY_IP_OFFICER" }]);
    expect((await add({ personId: secondIp, side: "CITY_IP", employment: "PART_TIME" }, studio.id)).status).toBe(201);
    expect((await add({ personId: "demo-town-xiaolan", side: "TOWN", employment: "PART_TIME" })).status).toBe(201);
    const agencyAdded = await add({ personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME" });
    expect(agencyAdded.status).toBe(201);
    expect(agencyAdded.json.member).toMatchObject({ side: "AGENCY", agency: { id: "demo-agency" } });
    // Staff of the second agency with a bachelor's degree, named by agency.
    const bachelor = await person("孙悦", [{ role: "AGENCY_STAFF", agencyId: second }], "bachelor");
    expect((await add({ personId: bachelor, side: "AGENCY", employment: "FULL_TIME", agencyId: "demo-agency" })).status).toBe(409);
    const last = await add({ personId: bachelor, side: "AGENCY", employment: "FULL_TIME", agencyId: second });
    expect(last.status).toBe(201);
    expect((last.json.compliance as StudioJson["compliance"]).missing.map((g) => g.code)).toEqual(["ENTERPRISE_MANAGER_NOT_DESIGNATED"]);

    // 6.4 b: the applicant (already a member) is designated manager with the three facts.
    const designated = await add({ personId: applicant.id, side: "ENTERPRISE", employment: "FULL_TIME", managerFacts: ALL_FACTS });
    expect(designated.status).toBe(200);
    expect(designated.json.member).toMatchObject({ isManager: true, managerFacts: ALL_FACTS });
    const full = (await call("GET", `/admin/studios/${studio.number}`)).json as unknown as StudioJson;
    expect(full.compliance).toEqual({ ok: true, missing: [] });
    expect(full.members.map((m) => m.side)).toEqual(["CITY_IP", "CITY_IP", "TOWN", "AGENCY", "AGENCY", "ENTERPRISE"]);

    // Removal: leftAt set, the row kept, compliance names the gap again; twice is a conflict.
    const staffMember = full.members.find((m) => m.person.id === "demo-agency-staff")!;
    const removed = await call("DELETE", `/admin/studios/${studio.number}/members/${staffMember.id}`);
    expect(removed.status).toBe(200);
    expect((removed.json.compliance as StudioJson["compliance"]).missing).toEqual([{ code: "AGENCY_FULL_TIME_SHORT", clause: "6.4 a", side: "AGENCY", need: 2, have: 1, notCounted: 0 }]);
    expect((await call("DELETE", `/admin/studios/${studio.number}/members/${staffMember.id}`)).status).toBe(409);
    expect((await call("DELETE", `/admin/studios/${studio.number}/members/nobody`)).status).toBe(404);
    expect((await call("DELETE", `/admin/studios/nowhere/members/${staffMember.id}`)).status).toBe(404);
    const row = await h.t.db.prisma.studioMember.findUniqueOrThrow({ where: { id: staffMember.id } });
    expect(row.leftAt).not.toBeNull();
    const after = (await call("GET", `/admin/studios/${studio.id}`)).json as unknown as StudioJson;
    expect(after.formerMembers!.map((m) => m.id)).toEqual([staffMember.id]);
    expect(after.members.map((m) => m.id)).not.toContain(staffMember.id);
    // Re-adding after leaving is a new membership.
    expect((await add({ personId: "demo-agency-staff", side: "AGENCY", employment: "FULL_TIME" })).status).toBe(201);

    const audit = await h.t.db.prisma.auditLog.findMany({ where: { subjectType: { in: ["Studio", "Agency"] } }, orderBy: { id: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["directory.agency_created", ...Array(5).fill("studio.member_added"), "studio.manager_designated", "studio.member_removed", "studio.member_added"]);
    expect(audit.every((e) => e.channel === "admin-api" && e.actorRole === "ADMIN" && e.subjectId !== "")).toBe(true);
  });

  it("[6.4 c] a full-time agency seat is refused below bachelor's (or with no education recorded), with the rule's code; part-time is taken; the education given is recorded", async () => {
    const { studio } = await approvedStudio(h);
    const college = await person("钱多", [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }], "college");
    const unknown = await person("李未", [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }]);
    const add = (body: Record<string, unknown>) => call("POST", `/admin/studios/${studio.number}/members`, body);
    const refused = await add({ personId: college, side: "AGENCY", employment: "FULL_TIME" });
    expect(refused).toEqual({ status: 409, json: { error: "conflict", code: "AGENCY_EDUCATION_BELOW_BACHELOR", clause: "6.4 c", message: expect.stringContaining("本科以上学历") } });
    expect((await add({ personId: unknown, side: "AGENCY", employment: "FULL_TIME" })).json.code).toBe("AGENCY_EDUCATION_UNRECORDED");
    expect(await h.t.db.prisma.studioMember.count({ where: { studioId: studio.id, side: "AGENCY" } })).toBe(0);
    // Part-time is allowed but does not fill a full-time seat.
    const partTime = await add({ personId: college, side: "AGENCY", employment: "PART_TIME" });
    expect(partTime.status).toBe(201);
    expect((partTime.json.compliance as StudioJson["compliance"]).missing.find((g) => g.code === "AGENCY_FULL_TIME_SHORT")).toMatchObject({ have: 0 });
    // Education given with the request is recorded on the person and checked.
    expect((await add({ personId: unknown, side: "AGENCY", employment: "FULL_TIME", education: "master" })).status).toBe(201);
    expect((await h.t.db.prisma.person.findUniqueOrThrow({ where: { id: unknown } })).education).toBe("master");
    expect(await h.t.db.prisma.auditLog.count({ where: { action: "studio.member_added" } })).toBe(2);
  });

  it("[6.4 b] the manager is a designated full-time enterprise member with three facts; a fact not met is named; a new designation replaces the old", async () => {
    const { studio, applicant } = await approvedStudio(h);
    const add = (body: Record<string, unknown>) => call("POST", `/admin/studios/${studio.number}/members`, body);
    expect((await add({ personId: applicant.id, side: "ENTERPRISE", employment: "PART_TIME", managerFacts: ALL_FACTS })).status).toBe(400);
    const partial = await add({ personId: applicant.id, side: "ENTERPRISE", employment: "FULL_TIME", managerFacts: { ...ALL_FACTS, techMgmtExperience: false } });
    expect(partial.status).toBe(200);
    expect((partial.json.compliance as StudioJson["compliance"]).missing.filter((g) => g.code.startsWith("MANAGER"))).toEqual([{ code: "MANAGER_FACT_NOT_MET", clause: "6.4 b", side: "ENTERPRISE", fact: "techMgmtExperience" }]);
    const other = await person("冯强", []);
    const replaced = await add({ personId: other, side: "ENTERPRISE", employment: "FULL_TIME", managerFacts: ALL_FACTS });
    expect(replaced.status).toBe(201);
    const s = (await call("GET", `/admin/studios/${studio.number}`)).json as unknown as StudioJson;
    expect(s.members.filter((m) => m.isManager).map((m) => m.person.id)).toEqual([other]);
    expect(codes(s).filter((c) => c.startsWith("MANAGER") || c.startsWith("ENTERPRISE"))).toEqual([]);
    const grant = await h.t.db.prisma.roleGrant.findFirst({ where: { personId: other, role: "ENTERPRISE_MANAGER", enterpriseId: studio.enterpriseId, revokedAt: null } });
    expect(grant).not.toBeNull();
  });

  it("bad input is a 4xx, never a 5xx: random JSON bodies (NUL characters, wrong types, deep nesting) and path segments", async () => {
    const { studio } = await approvedStudio(h);
    const field = fc.oneof(fc.string(), fc.constantFrom("demo-city-ip", "demo-agency-staff", "CITY_IP", "AGENCY", "FULL_TIME", "PART_TIME", "bachelor", "a\u0000b", "demo-agency"), fc.integer(), fc.boolean(), fc.constant(null));
    const member = fc.oneof(
      fc.record({ personId: field, side: field, employment: field, agencyId: field, education: field, managerFacts: fc.oneof(field, fc.record({ inManagement: field, techMgmtExperience: field, ipKnowledge: field })) }, { requiredKeys: [] }),
      fc.jsonValue(),
    );
    const segment = fc.oneof(fc.constantFrom(studio.number, studio.id, "nowhere", "nul\u0000x", "☃ 工作室"), fc.string({ minLength: 1, maxLength: 40, unit: "binary" })).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(member, segment, segment, fc.jsonValue(), async (body, id, memberId, agency) => {
        for (const [method, path, b] of [["POST", `/admin/studios/${id}/members`, body], ["DELETE", `/admin/studios/${id}/members/${memberId}`, undefined], ["GET", `/admin/studios/${id}`, undefined], ["POST", "/admin/agencies", agency]] as const) {
          const res = await h.runtime.app.request(path, { method, headers: auth, body: b === undefined ? undefined : JSON.stringify(b) });
          expect(res.status, `${method} ${path} ${JSON.stringify(b)?.slice(0, 200)}`).toBeLessThan(500);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("answers 401 without the token and does not exist without ADMIN_TOKEN", async () => {
    expect((await h.runtime.app.request("/admin/studios")).status).toBe(401);
    expect((await h.runtime.app.request("/admin/agencies", { method: "POST", body: "{}" })).status).toBe(401);
    const bare = await createWecomHarness();
    try {
      expect((await bare.runtime.app.request("/admin/studios", { headers: auth })).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
