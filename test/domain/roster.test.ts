import { describe, expect, it } from "vitest";
import { describeCompliance, mayEditRoster, rosterCompliance, seatRefusal, type ManagerFacts, type RosterMember } from "../../src/domain/studio/roster.ts";

const ALL_FACTS: ManagerFacts = { inManagement: true, techMgmtExperience: true, ipKnowledge: true };
const cityIp = (): RosterMember => ({ side: "CITY_IP", employment: "PART_TIME" });
const town = (): RosterMember => ({ side: "TOWN", employment: "PART_TIME" });
const agency = (education: string | null = "bachelor", employment: RosterMember["employment"] = "FULL_TIME"): RosterMember => ({ side: "AGENCY", employment, education });
const manager = (facts: ManagerFacts | null = ALL_FACTS): RosterMember => ({ side: "ENTERPRISE", employment: "FULL_TIME", isManager: true, managerFacts: facts });
const COMPLETE = [cityIp(), cityIp(), town(), agency("bachelor"), agency("master"), manager()];
const codes = (members: RosterMember[]) => rosterCompliance(members).missing.map((g) => g.code);

describe("studio roster [6.4]", () => {
  it("[6.4 a] a full roster complies: 2 authority part-time, 1 town part-time, 2 agency full-time, 1 enterprise full-time manager", () => {
    expect(rosterCompliance(COMPLETE)).toEqual({ ok: true, missing: [] });
    expect(describeCompliance(rosterCompliance(COMPLETE))).toBe("人员配备符合要求（6.4）");
  });

  it("[6.4 a] names each shortfall with how many are needed and present, in Chinese for chat and as codes for the API", () => {
    const c = rosterCompliance([cityIp(), agency("bachelor"), manager()]);
    expect(c.ok).toBe(false);
    expect(c.missing).toEqual([
      expect.objectContaining({ code: "CITY_IP_PART_TIME_SHORT", clause: "6.4 a", need: 2, have: 1, text: "市局知识产权相关科室兼职人员还差 1 名（至少 2 名，现有 1 名）" }),
      expect.objectContaining({ code: "TOWN_PART_TIME_SHORT", need: 1, have: 0, text: "镇街市场监督管理分局兼职人员还差 1 名（至少 1 名，现有 0 名）" }),
      expect.objectContaining({ code: "AGENCY_FULL_TIME_SHORT", need: 2, have: 1, notCounted: 0 }),
    ]);
    expect(describeCompliance(c).split("\n")).toHaveLength(4);
  });

  it("[6.4 a] part-time agency staff and members who left do not fill the seats; a full-time officer covers a part-time one", () => {
    const left = { ...town(), leftAt: new Date("2026-11-01T00:00:00Z") };
    expect(codes([cityIp(), { side: "CITY_IP", employment: "FULL_TIME" }, left, agency("doctor"), agency("doctor", "PART_TIME"), manager()])).toEqual(["TOWN_PART_TIME_SHORT", "AGENCY_FULL_TIME_SHORT"]);
  });

  it("[6.4 b] the enterprise seat is a designated full-time manager: none, not designated, or a part-time one is each named", () => {
    const base = [cityIp(), cityIp(), town(), agency(), agency()];
    expect(codes(base)).toEqual(["ENTERPRISE_FULL_TIME_SHORT"]);
    expect(codes([...base, { side: "ENTERPRISE", employment: "FULL_TIME" }])).toEqual(["ENTERPRISE_MANAGER_NOT_DESIGNATED"]);
    expect(codes([...base, { ...manager(), employment: "PART_TIME" }])).toEqual(["ENTERPRISE_FULL_TIME_SHORT"]);
  });

  it("[6.4 b] the manager needs all three facts: in management, technical-management experience, IP knowledge; unknown and 'no' are told apart", () => {
    const base = [cityIp(), cityIp(), town(), agency(), agency()];
    const c = rosterCompliance([...base, manager({ inManagement: true, techMgmtExperience: false, ipKnowledge: null })]);
    expect(c.missing).toEqual([
      { code: "MANAGER_FACT_NOT_MET", clause: "6.4 b", side: "ENTERPRISE", fact: "techMgmtExperience", text: "工作室管理者不符合：具备企业技术管理经验" },
      { code: "MANAGER_FACT_UNRECORDED", clause: "6.4 b", side: "ENTERPRISE", fact: "ipKnowledge", text: "工作室管理者尚未确认：具备知识产权相关知识储备" },
    ]);
    expect(codes([...base, manager(null)])).toEqual(["MANAGER_FACT_UNRECORDED", "MANAGER_FACT_UNRECORDED", "MANAGER_FACT_UNRECORDED"]);
    // A second manager who meets all three is enough.
    expect(codes([...base, manager({ inManagement: false, techMgmtExperience: false, ipKnowledge: false }), manager()])).toEqual([]);
  });

  it("[6.4 c] agency staff below bachelor's (or unrecorded) are refused a full-time seat and not counted; part-time is allowed", () => {
    expect(seatRefusal({ side: "AGENCY", employment: "FULL_TIME", education: "college" })).toMatchObject({ code: "AGENCY_EDUCATION_BELOW_BACHELOR", clause: "6.4 c", text: expect.stringContaining("大专") });
    expect(seatRefusal({ side: "AGENCY", employment: "FULL_TIME", education: null })).toMatchObject({ code: "AGENCY_EDUCATION_UNRECORDED" });
    expect(seatRefusal({ side: "AGENCY", employment: "FULL_TIME", education: "other" })).toMatchObject({ code: "AGENCY_EDUCATION_BELOW_BACHELOR" });
    for (const education of ["bachelor", "master", "doctor"]) expect(seatRefusal({ side: "AGENCY", employment: "FULL_TIME", education })).toBeNull();
    expect(seatRefusal({ side: "AGENCY", employment: "PART_TIME", education: "college" })).toBeNull();
    expect(seatRefusal({ side: "ENTERPRISE", employment: "FULL_TIME", education: null })).toBeNull();
    const c = rosterCompliance([cityIp(), cityIp(), town(), agency("master"), agency("college"), manager()]);
    expect(c.missing).toEqual([expect.objectContaining({ code: "AGENCY_FULL_TIME_SHORT", have: 1, notCounted: 1, text: expect.stringContaining("另有 1 名专职人员学历未达本科或未登记，不计入") })]);
  });

  it("[3.1] a studio is formed by the authority and service agencies in an enterprise: an enterprise-only roster misses every other side", () => {
    const c = rosterCompliance([manager()]);
    expect(new Set(c.missing.map((g) => g.side))).toEqual(new Set(["CITY_IP", "TOWN", "AGENCY"]));
    expect(rosterCompliance([]).missing.map((g) => g.side)).toEqual(["CITY_IP", "TOWN", "AGENCY", "ENTERPRISE"]);
  });

  it("[6.4 a] the roster is kept by ADMIN, the city IP section and the enterprise's own town sub-bureau only", () => {
    expect(mayEditRoster([{ role: "ADMIN" }], "xiaolan")).toBe(true);
    expect(mayEditRoster([{ role: "CITY_IP_OFFICER" }], null)).toBe(true);
    expect(mayEditRoster([{ role: "TOWN_OFFICER", townId: "xiaolan" }], "xiaolan")).toBe(true);
    expect(mayEditRoster([{ role: "TOWN_OFFICER", townId: "shiqi" }], "xiaolan")).toBe(false);
    expect(mayEditRoster([{ role: "TOWN_OFFICER", townId: "xiaolan" }], null)).toBe(false);
    for (const role of ["ENTERPRISE_MANAGER", "ENTERPRISE_HEAD", "AGENCY_STAFF", "CITY_LEADER"]) expect(mayEditRoster([{ role }], "xiaolan")).toBe(false);
    expect(mayEditRoster([], "xiaolan")).toBe(false);
  });
});
