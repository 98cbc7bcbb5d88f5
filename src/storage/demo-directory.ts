import type { Role } from "../domain/roles.ts";

// A small demo directory so a newcomer can try every flow at once (never seeded in production).
// Every person is reachable in the web simulator under `web:<id>`; mobiles are fictitious.

export interface DemoPerson {
  id: string;
  name: string;
  title: string;
  mobile: string;
  roles: { role: Role; townId?: string; enterpriseId?: string; agencyId?: string }[];
  education?: string;
}

export const DEMO_AGENCY = { id: "demo-agency", name: "中山市知桥知识产权代理有限公司" };

export const DEMO_ENTERPRISES = [
  {
    id: "demo-ent-mingzhu",
    name: "中山市明珠智能装备有限公司",
    uscc: null,
    townId: "zhongshangang",
    registeredAddress: "中山市火炬开发区中山港大道 88 号",
    industry: "new_gen_it",
  },
  {
    id: "demo-ent-xiaolan",
    name: "中山市榄盛五金制品有限公司",
    uscc: null,
    townId: "xiaolan",
    registeredAddress: "中山市小榄镇工业大道 12 号",
    industry: null,
  },
] as const;

export const DEMO_PEOPLE: DemoPerson[] = [
  { id: "demo-manager-mingzhu", name: "陈晓明", title: "研发总监", mobile: "13800000001", roles: [{ role: "ENTERPRISE_MANAGER", enterpriseId: "demo-ent-mingzhu" }] },
  { id: "demo-head-mingzhu", name: "黄志强", title: "董事长", mobile: "13800000002", roles: [{ role: "ENTERPRISE_HEAD", enterpriseId: "demo-ent-mingzhu" }] },
  { id: "demo-manager-xiaolan", name: "梁婉仪", title: "副总经理", mobile: "13800000003", roles: [{ role: "ENTERPRISE_MANAGER", enterpriseId: "demo-ent-xiaolan" }] },
  { id: "demo-head-xiaolan", name: "何国华", title: "总经理", mobile: "13800000004", roles: [{ role: "ENTERPRISE_HEAD", enterpriseId: "demo-ent-xiaolan" }] },
  { id: "demo-town-zhongshangang", name: "李伟", title: "中山港分局科员", mobile: "13800000011", roles: [{ role: "TOWN_OFFICER", townId: "zhongshangang" }] },
  { id: "demo-town-xiaolan", name: "周敏", title: "小榄分局科员", mobile: "13800000012", roles: [{ role: "TOWN_OFFICER", townId: "xiaolan" }] },
  { id: "demo-city-ip", name: "张磊", title: "知识产权科科长", mobile: "13800000021", roles: [{ role: "CITY_IP_OFFICER" }] },
  { id: "demo-city-leader", name: "王芳", title: "副局长", mobile: "13800000031", roles: [{ role: "CITY_LEADER" }] },
  { id: "demo-agency-staff", name: "刘洋", title: "专利代理师", mobile: "13800000041", education: "master", roles: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] },
  { id: "demo-agency-staff-2", name: "黄晓琳", title: "知识产权咨询师", mobile: "13800000043", education: "bachelor", roles: [{ role: "AGENCY_STAFF", agencyId: "demo-agency" }] },
  { id: "demo-admin", name: "系统管理员", title: "管理员", mobile: "13800000099", roles: [{ role: "ADMIN" }] },
];
