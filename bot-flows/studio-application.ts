// 6.2: the enterprise applies with the form of Appendix A. This flow collects every field of
// Table A.1 (中山市企业知识产权保护流动工作室申请表), plus the 6.1 priority facts approvers see.
import type { Answers, FlowDefinition } from "../src/flows/flow-schema.ts";

// Aliases are what people type instead (normalize.ts resolveChoice): "中国专利奖" is national,
// "拿过广东专利奖优秀奖" provincial.
const nationalProvincial = [
  { value: "national", label: "国家级", aliases: ["国家", "中国", "全国"] },
  { value: "provincial", label: "省级", aliases: ["省", "广东", "广东省", "省里"] },
];

/** 有效量（件）: eight non-negative integers (A.1). */
const count = (id: string, label: string, aliases: string[]) => ({
  id,
  aliases,
  kind: "number" as const,
  section: "ipCounts",
  clause: "A.1",
  label,
  prompt: `${label}的有效量是多少件？没有请回复 0`,
  unit: "件",
  min: 0,
  max: 10_000_000,
  error: "请回复件数（整数），如 12；没有请回复 0",
});

/** Boards that make an enterprise "上市" for 6.1. 新三板 is 挂牌, not 上市, so it is left out. */
const LISTED = ["main-board", "chinext", "star", "bse", "overseas"];

/** Minutes a person on a phone takes (test/flows/time-estimate.test.ts measures it); the menu and README say the same. */
const MINUTES = 9;

export const studioApplicationFlow: FlowDefinition = {
  id: "studio-application",
  version: 1,
  title: "知识产权流动工作室申请",
  estimatedMinutes: MINUTES,
  intro: `您好！我是知识产权流动工作室助手，帮您填写《中山市企业知识产权保护流动工作室申请表》，共 8 部分，约 ${MINUTES} 分钟。\n随时可回复“帮助”“返回”“跳过”“修改”“取消”。`,
  sections: [
    { id: "enterprise", title: "企业基本信息" },
    { id: "priority", title: "重点企业情况" },
    { id: "people", title: "负责人与联系人" },
    { id: "ipOrg", title: "知识产权组织" },
    { id: "honours", title: "荣誉资质" },
    { id: "ipCounts", title: "有效知识产权数量" },
    { id: "needs", title: "申请需求" },
    { id: "confirm", title: "负责人确认" },
  ],
  steps: [
    // A.1 企业名称
    { id: "enterpriseName", kind: "text", section: "enterprise", clause: "A.1", label: "企业名称", prompt: "请输入企业名称（与营业执照一致）", minLength: 4, maxLength: 60, normalizer: "companyName", validator: "companyName", error: "请输入营业执照上的企业全称，如 中山市某某科技有限公司" },
    // Not in A.1: optional, but lets officers identify the enterprise without a lookup.
    { id: "uscc", kind: "uscc", section: "enterprise", label: "统一社会信用代码", prompt: "请输入统一社会信用代码（营业执照上的 18 位代码）", optional: true },
    // A.1 注册地址: its 镇街 decides which sub-bureau reviews the application.
    { id: "registeredAddress", kind: "text", section: "enterprise", clause: "A.1", label: "注册地址", prompt: "请输入注册地址（与营业执照一致）", minLength: 6, maxLength: 100, validator: "address", error: "请输入营业执照上的注册地址，如 中山市小榄镇某某路 1 号" },
    { id: "townId", kind: "choice", section: "enterprise", clause: "A.1", label: "所属镇街", prompt: "企业属于哪个镇街？（由该镇街市场监管分局初审）", choiceSource: "towns", suggestFrom: "registeredAddress" },
    // A.1 上市情况
    {
      id: "listingStatus", kind: "choice", section: "enterprise", clause: "A.1", label: "上市情况", prompt: "企业的上市情况？",
      options: [
        { value: "unlisted", label: "未上市", aliases: ["没有", "无", "没上市", "没有上市", "非上市", "不是上市公司", "准备上市", "拟上市", "筹备上市"] },
        { value: "main-board", label: "主板", aliases: ["A股", "沪市", "深市", "沪深主板", "主板上市"] },
        { value: "chinext", label: "创业板", aliases: ["创业板上市"] },
        { value: "star", label: "科创板", aliases: ["科创"] },
        { value: "bse", label: "北交所", aliases: ["北京证券交易所", "北证"] },
        // 6.1: 新三板 is 挂牌, not 上市.
        { value: "neeq", label: "新三板", aliases: ["三板", "挂牌", "新三板挂牌", "股转", "股转系统"] },
        { value: "overseas", label: "境外上市", aliases: ["境外", "海外上市", "港股", "香港上市", "美股", "纳斯达克", "纽交所", "H股", "港交所"] },
      ],
    },
    // A.1 注册资本 (万元)
    { id: "registeredCapitalWan", kind: "number", section: "enterprise", clause: "A.1", label: "注册资本", aliases: ["注册资金", "资本"], prompt: "注册资本是多少万元？如 500", unit: "万元", decimals: 4, min: 0, max: 100_000_000, error: "请回复注册资本（万元），如 500 或 1,200.5" },
    // A.1 企业人数
    { id: "headcount", kind: "number", section: "enterprise", clause: "A.1", label: "企业人数", aliases: ["人数", "员工", "员工人数", "职工", "人员"], prompt: "企业现有多少人？如 120", unit: "人", min: 1, max: 1_000_000, error: "请回复人数（整数），如 120" },
    // A.1 经营规模: last year's revenue, and whether the enterprise is 规上 (6.1).
    { id: "revenueWan", kind: "number", section: "enterprise", clause: "A.1", label: "经营规模（上年度营业收入）", aliases: ["营收", "营业收入", "收入", "营业额", "产值", "销售额", "经营规模"], prompt: "经营规模：上年度营业收入是多少万元？如 3000", unit: "万元", decimals: 2, min: 0, max: 1_000_000_000, error: "请回复营业收入（万元），如 3000 或 2,500.5" },
    { id: "isAboveScale", kind: "yes-no", section: "enterprise", clause: "6.1", label: "是否规上企业", prompt: "是否为规上企业（已纳入统计部门规模以上企业名录）？" },
    // 6.1: studios go to 规上 enterprises; others are told clearly, and an officer may still decide.
    { id: "aboveScaleNotice", kind: "notice", section: "enterprise", clause: "6.1", when: { field: "isAboveScale", equals: false }, prompt: "提示：工作室主要设立在规上企业（标准 6.1）。您仍可继续申请，由审核部门综合决定。" },

    // 6.1 priority: 专精特新, 上市 (derived from listingStatus), 领军入库, 知识产权重点保护.
    {
      id: "specialisedLevel", kind: "choice", section: "priority", clause: "6.1", label: "专精特新", prompt: "企业的专精特新情况？",
      options: [
        { value: "none", label: "无", aliases: ["没有", "都不是", "不是", "否", "没评上"] },
        { value: "sme-innovative", label: "创新型中小企业", aliases: ["创新型", "创新型企业", "创新型中小"] },
        { value: "provincial", label: "省级专精特新", aliases: ["省", "广东", "广东省", "省专精特新"] },
        { value: "little-giant", label: "国家级专精特新“小巨人”", aliases: ["小巨人", "国家", "国家级", "国家专精特新"] },
      ],
    },
    { id: "isLeadingReserve", kind: "yes-no", section: "priority", clause: "6.1", label: "领军入库企业", prompt: "是否为领军入库企业（已入选领军企业培育库）？" },
    { id: "isIpKeyProtection", kind: "yes-no", section: "priority", clause: "6.1", label: "知识产权重点保护企业", prompt: "是否列入知识产权重点保护企业名录？" },

    // A.1 负责人 · 职务职称 · 手机
    { id: "headName", kind: "text", section: "people", clause: "A.1", label: "负责人", prompt: "企业负责人的姓名？", minLength: 2, maxLength: 30, validator: "personName", error: "请输入负责人姓名，如 张三" },
    { id: "headTitle", kind: "text", section: "people", clause: "A.1", label: "负责人职务职称", prompt: "负责人的职务或职称？如 总经理", minLength: 1, maxLength: 30, error: "请输入职务或职称，如 总经理、高级工程师" },
    { id: "headMobile", kind: "mobile", section: "people", clause: "A.1", label: "负责人手机", aliases: ["负责人电话", "负责人手机号", "负责人联系电话"], prompt: "负责人的手机号？" },
    // A.1 联系人 · 职务职称 · 手机 ("同负责人" is common).
    { id: "contactSameAsHead", kind: "yes-no", section: "people", clause: "A.1", internal: true, label: "联系人同负责人", prompt: "联系人就是负责人本人吗？", yesLabel: "是，同负责人", noLabel: "不是，另有联系人", yesWords: ["同负责人", "同上", "一样", "相同", "同一人", "本人"], noWords: ["另有联系人", "另有", "不一样"] },
    { id: "contactName", kind: "text", section: "people", clause: "A.1", label: "联系人", when: { field: "contactSameAsHead", equals: false }, prompt: "联系人的姓名？", minLength: 2, maxLength: 30, validator: "personName", error: "请输入联系人姓名，如 李四" },
    { id: "contactTitle", kind: "text", section: "people", clause: "A.1", label: "联系人职务职称", when: { field: "contactSameAsHead", equals: false }, prompt: "联系人的职务或职称？如 知识产权专员", minLength: 1, maxLength: 30, error: "请输入职务或职称，如 知识产权专员" },
    { id: "contactMobile", kind: "mobile", section: "people", clause: "A.1", label: "联系人手机", aliases: ["联系人电话", "联系人手机号", "联系电话"], when: { field: "contactSameAsHead", equals: false }, prompt: "联系人的手机号？" },

    // A.1 知识产权部门 · 知识产权管理人员数量 · 管理制度 ＿年 · GB/T 29490 认证 ＿年
    { id: "hasIpDepartment", kind: "yes-no", section: "ipOrg", clause: "A.1", label: "设有知识产权部门", prompt: "企业是否设有知识产权部门？" },
    { id: "ipDepartmentName", kind: "text", section: "ipOrg", clause: "A.1", label: "知识产权部门名称", when: { field: "hasIpDepartment", equals: true }, prompt: "知识产权部门叫什么名称？如 知识产权部", minLength: 2, maxLength: 30, error: "请输入部门名称，如 知识产权部、法务部" },
    { id: "ipStaffCount", kind: "number", section: "ipOrg", clause: "A.1", label: "知识产权管理人员数量", aliases: ["知识产权人员", "管理人员", "专利管理人员"], prompt: "知识产权管理人员有几人？没有请回复 0", unit: "人", min: 0, max: 100_000, error: "请回复人数（整数），如 3；没有请回复 0" },
    { id: "ipRulesYear", kind: "year", section: "ipOrg", clause: "A.1", label: "知识产权管理制度建立年份", prompt: "知识产权管理制度是哪一年建立的？如 2018", optional: true },
    // GB/T 29490 was first published in 2013: no certification can be older.
    { id: "gbt29490Year", kind: "year", section: "ipOrg", clause: "A.1", label: "GB/T 29490 认证年份", aliases: ["贯标", "29490", "认证年份", "贯标认证"], prompt: "哪一年通过国家企业知识产权管理规范（GB/T 29490）认证？如 2020", optional: true, min: 2013 },

    // A.1 荣誉: 示范企业 国家/省 · 优势企业 国家/省 · 国家高新技术企业 ＿年 · 国家、省专利奖 国家/省
    { id: "demoEnterprise", kind: "multi-choice", section: "honours", clause: "A.1", label: "知识产权示范企业", prompt: "是否为知识产权示范企业？", options: nationalProvincial, none: { label: "无" } },
    { id: "advantageEnterprise", kind: "multi-choice", section: "honours", clause: "A.1", label: "知识产权优势企业", prompt: "是否为知识产权优势企业？", options: nationalProvincial, none: { label: "无" } },
    // The national high-tech enterprise scheme began in 1991.
    { id: "highTechYear", kind: "year", section: "honours", clause: "A.1", label: "国家高新技术企业认定年份", aliases: ["高新", "高企", "高新技术企业"], prompt: "最近一次认定为国家高新技术企业是哪一年？如 2022", optional: true, min: 1991 },
    { id: "patentAward", kind: "multi-choice", section: "honours", clause: "A.1", label: "国家、省专利奖", aliases: ["专利奖"], prompt: "是否获得过专利奖（中国专利奖、广东专利奖）？", options: nationalProvincial, none: { label: "无" } },

    // A.1 有效量（件）
    // One message may answer several: "发明12件，实用新型45件，外观8件" (engine.ts, multi-answer.ts).
    count("validInvention", "发明专利", ["发明"]),
    count("validUtility", "实用新型专利", ["实用新型", "实用"]),
    count("validDesign", "外观设计专利", ["外观", "外观设计"]),
    count("validPct", "PCT 专利", ["PCT", "PCT专利", "国际专利"]),
    count("validTrademarkDomestic", "国内商标", ["商标", "注册商标"]),
    count("validTrademarkOverseas", "境外商标", ["国外商标", "国际商标", "海外商标", "马德里商标"]),
    count("validCopyright", "版权", ["著作权", "软著", "软件著作权", "作品登记"]),
    count("validOther", "其他知识产权", ["其他", "其它"]),

    // A.1 申请需求 1–7 = the services of 7.1 a–g; 7 "其他" takes free text.
    {
      id: "needs", kind: "multi-choice", section: "needs", clause: "7.1", label: "申请需求", prompt: "希望工作室提供哪些服务？",
      options: [
        { value: "a", label: "完善知识产权管理体系建设" },
        { value: "b", label: "培育布局高价值知识产权" },
        { value: "c", label: "知识产权快速维权" },
        { value: "d", label: "提高知识产权海外保护能力" },
        { value: "e", label: "打击侵犯知识产权行为" },
        { value: "f", label: "促进知识产权高效运用" },
        { value: "g", label: "其他" },
      ],
      other: { value: "g", field: "needsOther", label: "其他需求", prompt: "请简单说说“其他”需求是什么？", minLength: 2, maxLength: 200, error: "请用一两句话说明，如 商标海外注册咨询" },
    },

    // A.1 负责人签名: the head confirms, or the applicant asks the head / declares authority.
    { id: "isHeadSelf", kind: "yes-no", section: "confirm", clause: "A.1", label: "申请人是负责人本人", prompt: "最后一步：申请表需负责人签名确认。您是企业负责人本人吗？", yesLabel: "是，我是负责人", noLabel: "不是" },
    {
      id: "headConfirmation", kind: "choice", section: "confirm", clause: "A.1", internal: true, label: "负责人确认方式", when: { field: "isHeadSelf", equals: false }, prompt: "负责人如何确认？",
      options: [
        { value: "HEAD_IN_CHAT", label: "请负责人在聊天中确认", aliases: ["负责人确认", "让负责人确认", "请负责人确认", "发给负责人"] },
        { value: "DECLARED_AUTHORITY", label: "我已获负责人授权，声明代为提交", aliases: ["声明", "授权", "已授权", "代为提交", "声明授权"] },
      ],
    },
  ],
  derive: [
    // 6.1 上市企业, derived from 上市情况.
    { field: "isListed", when: { field: "listingStatus", in: LISTED }, value: true, otherwise: false },
    { field: "headConfirmation", when: { field: "isHeadSelf", equals: true }, value: "SELF" },
    { field: "contactName", when: { field: "contactSameAsHead", equals: true }, copyFrom: "headName" },
    { field: "contactTitle", when: { field: "contactSameAsHead", equals: true }, copyFrom: "headTitle" },
    { field: "contactMobile", when: { field: "contactSameAsHead", equals: true }, copyFrom: "headMobile" },
  ],
  summary: { title: "确认提交申请？", intro: "请核对申请信息（回复序号可修改）：" },
  final: { type: "submit", message: "申请已提交！将先由所属镇街市场监管分局审核，结果会在这里通知您。" },
  texts: {
    paused: "您正在填写的另一份申请已暂停并保存，办完当前事项后可接着填写。",
    resumed: "您之前填写的申请已恢复，已填内容都保存着。回复“继续”接着填写。",
  },
};

/** 6.1 priority facts of a submitted application, for approvers' cards. */
export function priorityFacts(answers: Answers): string[] {
  const facts: string[] = [];
  if (answers.isAboveScale === false) facts.push("非规上企业");
  const level = { "sme-innovative": "创新型中小企业", provincial: "省级专精特新", "little-giant": "国家级专精特新“小巨人”" }[String(answers.specialisedLevel)];
  if (level) facts.push(level);
  if (answers.isListed === true) facts.push("上市企业");
  if (answers.isLeadingReserve === true) facts.push("领军入库企业");
  if (answers.isIpKeyProtection === true) facts.push("知识产权重点保护企业");
  return facts;
}
