// Staffing of a studio (6.4 a–c), as a pure function over its members. 3.1: a studio is formed by
// the IP authority and service agencies inside an enterprise, so all four sides must be present.
//
// Part-time minimums are met by any member of the side (a full-time officer more than covers a
// part-time seat); full-time minimums count full-time members only. Agency seats count only
// staff with a bachelor's degree or higher (6.4 c); the enterprise seat is its designated studio
// manager with the three facts of 6.4 b.

export const SIDES = ["CITY_IP", "TOWN", "AGENCY", "ENTERPRISE"] as const;
export type Side = (typeof SIDES)[number];
export const EMPLOYMENTS = ["FULL_TIME", "PART_TIME"] as const;
export type Employment = (typeof EMPLOYMENTS)[number];
export const EDUCATIONS = ["college", "bachelor", "master", "doctor", "other"] as const;
export type Education = (typeof EDUCATIONS)[number];

/** 6.4 c: 本科以上学历. */
const BACHELOR_OR_HIGHER: ReadonlySet<string> = new Set(["bachelor", "master", "doctor"]);

export const SIDE_LABELS: Record<Side, string> = {
  CITY_IP: "市局知识产权相关科室",
  TOWN: "镇街市场监督管理分局",
  AGENCY: "知识产权服务机构",
  ENTERPRISE: "企业",
};
export const EMPLOYMENT_LABELS: Record<Employment, string> = { FULL_TIME: "专职", PART_TIME: "兼职" };
export const EDUCATION_LABELS: Record<Education, string> = { college: "大专", bachelor: "本科", master: "硕士", doctor: "博士", other: "其他" };

/** 6.4 b: asked when the enterprise designates its studio manager. null = not recorded yet. */
export interface ManagerFacts {
  inManagement: boolean | null;
  techMgmtExperience: boolean | null;
  ipKnowledge: boolean | null;
}
export const MANAGER_FACT_LABELS: Record<keyof ManagerFacts, string> = {
  inManagement: "企业管理层成员",
  techMgmtExperience: "具备企业技术管理经验",
  ipKnowledge: "具备知识产权相关知识储备",
};

export interface RosterMember {
  side: Side;
  employment: Employment;
  /** The person's education (agency staff, 6.4 c). */
  education?: string | null;
  isManager?: boolean;
  managerFacts?: ManagerFacts | null;
  /** Members who left do not count. */
  leftAt?: Date | null;
}

/** 6.4 a minimums. */
export const MINIMUMS = { CITY_IP: 2, TOWN: 1, AGENCY: 2, ENTERPRISE: 1 } as const;

export type RosterGap =
  | { code: "CITY_IP_PART_TIME_SHORT" | "TOWN_PART_TIME_SHORT"; clause: "6.4 a"; side: Side; need: number; have: number; text: string }
  | { code: "AGENCY_FULL_TIME_SHORT"; clause: "6.4 a"; side: "AGENCY"; need: number; have: number; notCounted: number; text: string }
  | { code: "ENTERPRISE_FULL_TIME_SHORT"; clause: "6.4 a"; side: "ENTERPRISE"; need: number; have: number; text: string }
  | { code: "ENTERPRISE_MANAGER_NOT_DESIGNATED"; clause: "6.4 b"; side: "ENTERPRISE"; text: string }
  | { code: "MANAGER_FACT_NOT_MET" | "MANAGER_FACT_UNRECORDED"; clause: "6.4 b"; side: "ENTERPRISE"; fact: keyof ManagerFacts; text: string };

export interface RosterCompliance {
  ok: boolean;
  missing: RosterGap[];
}

export function isBachelorOrHigher(education: string | null | undefined): boolean {
  return !!education && BACHELOR_OR_HIGHER.has(education);
}

const FACTS = ["inManagement", "techMgmtExperience", "ipKnowledge"] as const;

function factGaps(facts: ManagerFacts | null | undefined): RosterGap[] {
  const out: RosterGap[] = [];
  for (const fact of FACTS) {
    const v = facts?.[fact] ?? null;
    if (v === true) continue;
    out.push(
      v === false
        ? { code: "MANAGER_FACT_NOT_MET", clause: "6.4 b", side: "ENTERPRISE", fact, text: `工作室管理者不符合：${MANAGER_FACT_LABELS[fact]}` }
        : { code: "MANAGER_FACT_UNRECORDED", clause: "6.4 b", side: "ENTERPRISE", fact, text: `工作室管理者尚未确认：${MANAGER_FACT_LABELS[fact]}` },
    );
  }
  return out;
}

/** What a studio's roster lacks under 6.4 a–c (and 3.1), in a fixed order: authority, town, agency, enterprise. */
export function rosterCompliance(members: readonly RosterMember[]): RosterCompliance {
  const active = members.filter((m) => !m.leftAt);
  const of = (side: Side) => active.filter((m) => m.side === side);
  const missing: RosterGap[] = [];

  for (const side of ["CITY_IP", "TOWN"] as const) {
    const have = of(side).length;
    const need = MINIMUMS[side];
    if (have < need) missing.push({ code: side === "CITY_IP" ? "CITY_IP_PART_TIME_SHORT" : "TOWN_PART_TIME_SHORT", clause: "6.4 a", side, need, have, text: `${SIDE_LABELS[side]}兼职人员还差 ${need - have} 名（至少 ${need} 名，现有 ${have} 名）` });
  }

  const agencyFullTime = of("AGENCY").filter((m) => m.employment === "FULL_TIME");
  const qualified = agencyFullTime.filter((m) => isBachelorOrHigher(m.education)).length;
  if (qualified < MINIMUMS.AGENCY) {
    const notCounted = agencyFullTime.length - qualified;
    const note = notCounted > 0 ? `；另有 ${notCounted} 名专职人员学历未达本科或未登记，不计入` : "";
    missing.push({ code: "AGENCY_FULL_TIME_SHORT", clause: "6.4 a", side: "AGENCY", need: MINIMUMS.AGENCY, have: qualified, notCounted, text: `${SIDE_LABELS.AGENCY}本科以上学历专职人员还差 ${MINIMUMS.AGENCY - qualified} 名（至少 ${MINIMUMS.AGENCY} 名，现有 ${qualified} 名${note}）` });
  }

  const enterpriseFullTime = of("ENTERPRISE").filter((m) => m.employment === "FULL_TIME");
  if (enterpriseFullTime.length < MINIMUMS.ENTERPRISE) {
    missing.push({ code: "ENTERPRISE_FULL_TIME_SHORT", clause: "6.4 a", side: "ENTERPRISE", need: MINIMUMS.ENTERPRISE, have: 0, text: `企业专职工作室管理者还差 1 名（至少 1 名专职人员）` });
  } else {
    const managers = enterpriseFullTime.filter((m) => m.isManager);
    if (managers.length === 0) {
      missing.push({ code: "ENTERPRISE_MANAGER_NOT_DESIGNATED", clause: "6.4 b", side: "ENTERPRISE", text: "企业尚未从管理层中指定专人作为工作室管理者" });
    } else {
      // Any one manager meeting all three facts is enough; else report the one closest to it.
      const gaps = managers.map((m) => factGaps(m.managerFacts)).sort((a, b) => a.length - b.length)[0]!;
      missing.push(...gaps);
    }
  }
  return { ok: missing.length === 0, missing };
}

export type SeatRefusal = { code: "AGENCY_EDUCATION_BELOW_BACHELOR" | "AGENCY_EDUCATION_UNRECORDED"; clause: "6.4 c"; text: string };

/** 6.4 c: a full-time agency seat needs a bachelor's degree or higher (part-time agency staff are not refused). */
export function seatRefusal(candidate: { side: Side; employment: Employment; education?: string | null }): SeatRefusal | null {
  if (candidate.side !== "AGENCY" || candidate.employment !== "FULL_TIME") return null;
  if (!candidate.education) return { code: "AGENCY_EDUCATION_UNRECORDED", clause: "6.4 c", text: "服务机构专职人员须具备本科以上学历，请先登记学历" };
  if (!isBachelorOrHigher(candidate.education)) return { code: "AGENCY_EDUCATION_BELOW_BACHELOR", clause: "6.4 c", text: `服务机构专职人员须具备本科以上学历（登记为${EDUCATION_LABELS[candidate.education as Education] ?? candidate.education}），不能担任专职人员` };
  return null;
}

/** For chat (工作室情况): "人员配备符合要求" or one line per gap. */
export function describeCompliance(c: RosterCompliance): string {
  return c.ok ? "人员配备符合要求（6.4）" : `人员配备尚缺：\n${c.missing.map((g) => `· ${g.text}`).join("\n")}`;
}

/**
 * Who keeps a studio's roster in chat (工作室成员): ADMIN, the city IP section, and the town
 * sub-bureau of the studio's enterprise. Enterprise and agency people see it but do not edit it.
 */
export function mayEditRoster(roles: readonly { role: string; townId?: string | null }[], studioTownId: string | null): boolean {
  return roles.some((r) => r.role === "ADMIN" || r.role === "CITY_IP_OFFICER" || (r.role === "TOWN_OFFICER" && !!studioTownId && r.townId === studioTownId));
}
