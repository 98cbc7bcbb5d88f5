// Roles of SPEC.md "Who is who".
export const ROLES = [
  "ENTERPRISE_MANAGER",
  "ENTERPRISE_HEAD",
  "TOWN_OFFICER",
  "CITY_IP_OFFICER",
  "CITY_LEADER",
  "AGENCY_STAFF",
  "ADMIN",
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  ENTERPRISE_MANAGER: "企业工作室负责人",
  ENTERPRISE_HEAD: "企业负责人",
  TOWN_OFFICER: "镇街市场监督管理分局",
  CITY_IP_OFFICER: "市局知识产权相关科室",
  CITY_LEADER: "市局领导",
  AGENCY_STAFF: "知识产权服务机构",
  ADMIN: "系统管理员",
};

export interface RoleGrantView {
  role: Role;
  townId?: string | null;
  enterpriseId?: string | null;
  agencyId?: string | null;
}
