// The studio's services, 7.1 a–g, and the sub-items of 7.2.1–7.2.6, in the standard's own words:
// one table that the service-request flow, the owners' cards, the print view and the reports
// share. `label` is the short form for buttons (≤ 10 characters); `text` is the standard's
// wording (trailing punctuation dropped). 7.1 g (其他知识产权服务) has no 7.2 sub-items.

export const SERVICE_LETTERS = ["a", "b", "c", "d", "e", "f", "g"] as const;
export type ServiceLetter = (typeof SERVICE_LETTERS)[number];

/** 7.2.3 b: the only sub-item restricted by industry. Codes are stored on Enterprise.industry. */
export const INDUSTRIES = [
  { code: "new_gen_it", label: "新一代信息技术" },
  { code: "biomedicine", label: "生物医药" },
  { code: "other", label: "其他产业" },
] as const;
export type IndustryCode = (typeof INDUSTRIES)[number]["code"];
const FAST_PRE_EXAMINATION_INDUSTRIES: ReadonlySet<string> = new Set<IndustryCode>(["new_gen_it", "biomedicine"]);

export interface ServiceSubItem {
  /** e.g. "7.2.4 b": stored as ServiceRequest.subItem. */
  code: string;
  category: ServiceLetter;
  text: string;
  label: string;
  /** 7.2.3: a dispute at its start (在纠纷发生初期) must be taken up fast. */
  urgent: boolean;
  /** 7.2.3 b: offered only to enterprises of these industries. */
  industries?: ReadonlySet<string>;
}

export interface ServiceCategory {
  letter: ServiceLetter;
  /** "7.1 a" */
  clause: string;
  /** 7.1's wording, e.g. 提供知识产权快速维权服务 */
  text: string;
  label: string;
  /** A.1 申请需求 1–7, as worded on the paper form. */
  formText: string;
  /** The 7.2 section that details it ("7.2.3 知识产权快速维权"); none for g. */
  section: { clause: string; title: string } | null;
  subItems: ServiceSubItem[];
}

type Row = [code: string, text: string, label: string, extra?: { urgent?: boolean; industries?: ReadonlySet<string> }];
const sub = (category: ServiceLetter, rows: Row[]): ServiceSubItem[] =>
  rows.map(([code, text, label, extra]) => ({ code, category, text, label, urgent: extra?.urgent ?? false, ...(extra?.industries ? { industries: extra.industries } : {}) }));

export const SERVICE_CATEGORIES: readonly ServiceCategory[] = [
  {
    letter: "a", clause: "7.1 a", text: "支持完善知识产权管理体系建设", label: "管理体系建设", formText: "支持重点企业完善知识产权管理体系建设",
    section: { clause: "7.2.1", title: "知识产权管理体系建设" },
    subItems: sub("a", [
      ["7.2.1 a", "制订企业知识产权管理制度和发展规划，强化对采购、研发设计、生产加工、市场营销、售后服务等环节的全链条保护机制，完善企业内部知识产权管理制度", "管理制度与规划"],
      ["7.2.1 b", "开展专利分析评议，研判侵权风险，制订应对预案", "专利分析评议"],
      ["7.2.1 c", "建立健全员工尽职调查、技术来源合理性调查等技术秘密及商业秘密保护制度及风险防控体系，建立完善内部运营秘密及技术秘密的保密制度，有效降低企业风险", "秘密保护与风控"],
    ]),
  },
  {
    letter: "b", clause: "7.1 b", text: "支持高价值知识产权培育布局", label: "高价值培育布局", formText: "支持重点企业培育布局高价值知识产权",
    section: { clause: "7.2.2", title: "高价值知识产权培育布局" },
    subItems: sub("b", [
      ["7.2.2 a", "建设高价值知识产权培育布局中心，制定知识产权布局方针，加强关键领域和核心技术的知识产权创造和储备", "培育布局中心"],
      ["7.2.2 b", "建立专利导航企业发展工作机制，运用专利信息检索分析，开展高质量专利挖掘与布局，形成支撑企业主营业务收入和未来发展需要的知识产权组合", "专利导航与挖掘"],
      ["7.2.2 c", "提高企业对自有知识产权产品和主要竞争对手进行知识产权侵权风险监管的能力", "侵权风险监管"],
    ]),
  },
  {
    // 7.2.3: 在企业知识产权纠纷发生初期应快速有效应对 — a dispute is urgent (4 working hours).
    // 7.2.3 b is a filing for fast patent examination, not a dispute: the normal 1 working day.
    letter: "c", clause: "7.1 c", text: "提供知识产权快速维权服务", label: "快速维权", formText: "为重点企业提供知识产权快速维权服务",
    section: { clause: "7.2.3", title: "知识产权快速维权" },
    subItems: sub("c", [
      ["7.2.3 a", "积极配合知识产权服务机构和行业协会提供的知识产权法律咨询公益服务，配合接受专利代理援助服务", "纠纷法律咨询", { urgent: true }],
      ["7.2.3 b", "对于新一代信息技术和生物医药产业重点企业，积极配合完成省保护中心快速预审服务主体备案，为企业有效获取专利快速审查服务", "快速预审备案", { industries: FAST_PRE_EXAMINATION_INDUSTRIES }],
    ]),
  },
  {
    letter: "d", clause: "7.1 d", text: "提高知识产权海外保护能力", label: "海外保护", formText: "提高重点企业知识产权海外保护能力",
    section: { clause: "7.2.4", title: "知识产权海外保护" },
    subItems: sub("d", [
      ["7.2.4 a", "开展知识产权海外布局，及时应对海外知识产权纠纷", "海外布局与纠纷"],
      ["7.2.4 b", "建立参加展会展前知识产权风险排查机制", "展前风险排查"],
      ["7.2.4 c", "引导企业根据需要购买海外知识产权保险", "海外知识产权保险"],
    ]),
  },
  {
    letter: "e", clause: "7.1 e", text: "加大打击侵犯知识产权行为力度", label: "打击侵权", formText: "加大打击侵犯企业知识产权行为的力度",
    section: { clause: "7.2.5", title: "打击知识产权侵权" },
    subItems: sub("e", [
      ["7.2.5 a", "严厉打击侵权假冒违法行为，加大对重复侵权、群体侵权、恶意侵权行为的打击力度，营造良好知识产权保护生态环境", "打击侵权假冒"],
      ["7.2.5 b", "提高企业商业秘密保护意识，完善企业商业秘密保护工作指引，宜根据实际需要引入商业秘密辅导团队", "商业秘密保护"],
    ]),
  },
  {
    letter: "f", clause: "7.1 f", text: "促进知识产权高效运用", label: "高效运用", formText: "促进重点企业知识产权高效运用",
    section: { clause: "7.2.6", title: "知识产权高效运用" },
    subItems: sub("f", [
      ["7.2.6 a", "根据企业需要推进知识产权质押融资工作，积极参加知识产权质押融资“入园惠企”“知识产权金融对接服务”等活动", "质押融资"],
      ["7.2.6 b", "根据企业需要开展专利、商标等混合质押", "混合质押"],
      ["7.2.6 c", "充分运用专利交易平台、知识产权交易运营机构、产业园区等力量，挖掘专利转化需求、收集精准专利供给信息，切实提高企业专利运用能力", "专利转化运用"],
    ]),
  },
  { letter: "g", clause: "7.1 g", text: "其他知识产权服务", label: "其他服务", formText: "其他", section: null, subItems: [] },
];

export const SERVICE_SUB_ITEMS: readonly ServiceSubItem[] = SERVICE_CATEGORIES.flatMap((c) => c.subItems);

const byLetter = new Map(SERVICE_CATEGORIES.map((c) => [c.letter as string, c]));
const byCode = new Map(SERVICE_SUB_ITEMS.map((s) => [s.code, s]));

export function serviceCategory(letter: string): ServiceCategory | undefined {
  return byLetter.get(letter);
}

/** A sub-item by code; "7.2.4b" and "7.2.4 B" are read as "7.2.4 b". */
export function serviceSubItem(code: string): ServiceSubItem | undefined {
  const m = /^\s*(7\.2\.[1-6])\s*([a-cA-C])\s*$/.exec(code);
  return m ? byCode.get(`${m[1]} ${m[2]!.toLowerCase()}`) : undefined;
}

export type Eligibility = "offered" | "not_offered" | "ask_industry";

/**
 * Whether a sub-item is offered to an enterprise. 7.2.3 b: only to new-generation IT and
 * biomedicine enterprises; with the industry unknown the flow must ask it first.
 */
export function eligibility(item: ServiceSubItem, enterprise: { industry: string | null | undefined }): Eligibility {
  if (!item.industries) return "offered";
  if (!enterprise.industry) return "ask_industry";
  return item.industries.has(enterprise.industry) ? "offered" : "not_offered";
}

/** The sub-items of a category an enterprise may pick (unknown industry: the restricted ones are left out). */
export function offeredSubItems(letter: string, enterprise: { industry: string | null | undefined }): ServiceSubItem[] {
  return (serviceCategory(letter)?.subItems ?? []).filter((s) => eligibility(s, enterprise) === "offered");
}

/** One line for cards, print and reports: "7.2.4 b 展前风险排查（知识产权海外保护）", or "7.1 g 其他知识产权服务". */
export function describeService(category: string, subItemCode?: string | null): string {
  const item = subItemCode ? serviceSubItem(subItemCode) : undefined;
  const cat = serviceCategory(item?.category ?? category);
  if (item) return `${item.code} ${item.label}（${cat?.section?.title ?? cat?.text ?? ""}）`;
  return cat ? `${cat.clause} ${cat.text}` : category;
}
