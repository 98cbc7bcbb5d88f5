// [A.1] [6.1] Natural answers as managers type them on a phone, run against the real studio
// application through the engine (state saved and reloaded as JSON after every step): each is
// stored as the value the form needs, or re-asked with an error that says what was understood.
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import type { Answers, AnswerValue } from "../../src/flows/flow-schema.ts";
import { Driver, HAPPY_ANSWERS, makeCtx, startAt, townId } from "./helpers.ts";
import { NATURAL_SCRIPT } from "./natural-answers.ts";

type Expected = AnswerValue | { error: string } | { fills: Answers };
const err = (error: string) => ({ error });
const fills = (answers: Answers) => ({ fills: answers });

/** [step id, what was typed, what must be stored (or the refusal)]; NOW is 2025-06-01. */
const CORPUS: [string, string, Expected][] = [
  // 所属镇街 (the address in the draft names 小榄)
  ["townId", "是", townId("小榄")],
  ["townId", "对的", townId("小榄")],
  ["townId", "小榄镇", townId("小榄")],
  ["townId", "东升镇", townId("小榄")],
  ["townId", "火炬区", townId("中山港")],
  ["townId", "火炬开发区", townId("中山港")],
  ["townId", "古镇镇", townId("古镇")],
  ["townId", "石岐街道", townId("石岐")],
  ["townId", "13", townId("小榄")],
  ["townId", "在坦洲", townId("坦洲")],
  // 上市情况 (6.1: 新三板 is 挂牌, not 上市)
  ["listingStatus", "1", "unlisted"],
  ["listingStatus", "未上市", "unlisted"],
  ["listingStatus", "没有", "unlisted"],
  ["listingStatus", "没有上市", "unlisted"],
  ["listingStatus", "还没上市", "unlisted"],
  ["listingStatus", "还没有", "unlisted"],
  ["listingStatus", "无", "unlisted"],
  ["listingStatus", "不是上市公司", "unlisted"],
  ["listingStatus", "准备上市", "unlisted"],
  ["listingStatus", "主板", "main-board"],
  ["listingStatus", "A股主板", "main-board"],
  ["listingStatus", "创业板", "chinext"],
  ["listingStatus", "深交所创业板", "chinext"],
  ["listingStatus", "科创板", "star"],
  ["listingStatus", "上交所科创板", "star"],
  ["listingStatus", "北交所", "bse"],
  ["listingStatus", "北京证券交易所", "bse"],
  ["listingStatus", "新三板", "neeq"],
  ["listingStatus", "新三板挂牌", "neeq"],
  ["listingStatus", "在新三板挂牌", "neeq"],
  ["listingStatus", "港股", "overseas"],
  ["listingStatus", "香港上市", "overseas"],
  ["listingStatus", "境外上市", "overseas"],
  ["listingStatus", "７", "overseas"],
  ["listingStatus", "9", err("没有第 9 项（共 7 项）")],
  ["listingStatus", "上市了", err("“上市了”可能是 1 未上市 或 7 境外上市")],
  ["listingStatus", "不知道", err("没看懂“不知道”")],
  ["listingStatus", "不知道", err("1 未上市、2 主板、3 创业板、4 科创板、5 北交所、6 新三板、7 境外上市")],
  // 注册资本（万元）
  ["registeredCapitalWan", "500", 500],
  ["registeredCapitalWan", "500万", 500],
  ["registeredCapitalWan", "500万元", 500],
  ["registeredCapitalWan", "五百万", 500],
  ["registeredCapitalWan", "五百万元", 500],
  ["registeredCapitalWan", "1000万元人民币", 1000],
  ["registeredCapitalWan", "人民币1000万元", 1000],
  ["registeredCapitalWan", "1.2亿", 12000],
  ["registeredCapitalWan", "一亿二", 12000],
  ["registeredCapitalWan", "一千二百万", 1200],
  ["registeredCapitalWan", "两千万", 2000],
  ["registeredCapitalWan", "5000000元", 500],
  ["registeredCapitalWan", "约300万", 300],
  ["registeredCapitalWan", "300万左右", 300],
  ["registeredCapitalWan", "1,200.5", 1200.5],
  ["registeredCapitalWan", "注册资本500万", 500],
  ["registeredCapitalWan", "很多", err("这不是一个数字")],
  ["registeredCapitalWan", "-5", err("不能是负数")],
  ["registeredCapitalWan", "注册资本500万，人数120，营收3000万", fills({ registeredCapitalWan: 500, headcount: 120, revenueWan: 3000 })],
  ["registeredCapitalWan", "注册资本500万，员工三百人", fills({ registeredCapitalWan: 500, headcount: 300 })],
  ["registeredCapitalWan", "注册资本12，企业人数45，经营规模（上年度营业收入）8", fills({ registeredCapitalWan: 12, headcount: 45, revenueWan: 8 })],
  // 企业人数
  ["headcount", "120", 120],
  ["headcount", "120人", 120],
  ["headcount", "三百人", 300],
  ["headcount", "三百", 300],
  ["headcount", "两千五", 2500],
  ["headcount", "一万二", 12000],
  ["headcount", "一万二千人", 12000],
  ["headcount", "约300人", 300],
  ["headcount", "300人左右", 300],
  ["headcount", "300多人", 300],
  ["headcount", "大概两百个人", 200],
  ["headcount", "员工300人", 300],
  ["headcount", "一百零八人", 108],
  ["headcount", "0", err("不能小于 1 人")],
  ["headcount", "没有", err("不能小于 1 人")],
  ["headcount", "12.5", err("请填整数")],
  ["headcount", "人数120，营收3000万", fills({ headcount: 120, revenueWan: 3000 })],
  ["headcount", "员工三百多人，营收三千多万", fills({ headcount: 300, revenueWan: 3000 })],
  ["headcount", "人数300左右，营收1.2亿", fills({ headcount: 300, revenueWan: 12000 })],
  // 经营规模（上年度营业收入，万元）
  ["revenueWan", "3000", 3000],
  ["revenueWan", "3000万", 3000],
  ["revenueWan", "三千万", 3000],
  ["revenueWan", "三千多万", 3000],
  ["revenueWan", "1.2亿", 12000],
  ["revenueWan", "2,500.5", 2500.5],
  ["revenueWan", "上年营收3000万", 3000],
  ["revenueWan", "营业收入1.5亿元", 15000],
  ["revenueWan", "不清楚", err("这不是一个数字")],
  // 是否规上企业
  ["isAboveScale", "是", true],
  ["isAboveScale", "是的", true],
  ["isAboveScale", "是规上企业", true],
  ["isAboveScale", "我们是规上", true],
  ["isAboveScale", "属于规上", true],
  ["isAboveScale", "已经纳入了", true],
  ["isAboveScale", "对", true],
  ["isAboveScale", "否", false],
  ["isAboveScale", "不是", false],
  ["isAboveScale", "不是规上", false],
  ["isAboveScale", "还不是", false],
  ["isAboveScale", "没有纳入", false],
  ["isAboveScale", "非规上企业", false],
  ["isAboveScale", "也许", err("没看懂“也许”")],
  ["isAboveScale", "不知道", err("请回复“是”或“否”")],
  // 专精特新 (6.1)
  ["specialisedLevel", "省级的", "provincial"],
  ["specialisedLevel", "广东", "provincial"],
  ["specialisedLevel", "省级", "provincial"],
  ["specialisedLevel", "广东省专精特新", "provincial"],
  ["specialisedLevel", "省专精特新", "provincial"],
  ["specialisedLevel", "国家级", "little-giant"],
  ["specialisedLevel", "小巨人", "little-giant"],
  ["specialisedLevel", "国家级小巨人", "little-giant"],
  ["specialisedLevel", "国家级专精特新小巨人企业", "little-giant"],
  ["specialisedLevel", "创新型中小企业", "sme-innovative"],
  ["specialisedLevel", "创新型的", "sme-innovative"],
  ["specialisedLevel", "无", "none"],
  ["specialisedLevel", "没有", "none"],
  ["specialisedLevel", "不是", "none"],
  ["specialisedLevel", "都不是", "none"],
  ["specialisedLevel", "还没有评上", "none"],
  ["specialisedLevel", "4", "little-giant"],
  ["specialisedLevel", "专精特新", err("“专精特新”可能是 3 省级专精特新 或 4 国家级专精特新“小巨人”")],
  ["specialisedLevel", "市级", err("没看懂“市级”")],
  // 领军入库 · 知识产权重点保护
  ["isLeadingReserve", "是", true],
  ["isLeadingReserve", "已入库", true],
  ["isLeadingReserve", "入选了", true],
  ["isLeadingReserve", "没有", false],
  ["isLeadingReserve", "还没有", false],
  ["isLeadingReserve", "未入库", false],
  ["isIpKeyProtection", "列入了", true],
  ["isIpKeyProtection", "是的", true],
  ["isIpKeyProtection", "不是", false],
  ["isIpKeyProtection", "没有列入", false],
  ["isIpKeyProtection", "暂时没有", false],
  // 负责人 · 联系人
  ["headMobile", "138 0013 8000", "13800138000"],
  ["headMobile", "+86 138-0013-8000", "13800138000"],
  ["headMobile", "1380013800", err("手机号是 11 位，您输入了 10 位")],
  ["contactSameAsHead", "是", true],
  ["contactSameAsHead", "同负责人", true],
  ["contactSameAsHead", "同上", true],
  ["contactSameAsHead", "一样", true],
  ["contactSameAsHead", "是，同负责人", true],
  ["contactSameAsHead", "不是，是我", false],
  ["contactSameAsHead", "不是", false],
  ["contactSameAsHead", "另有联系人", false],
  ["contactSameAsHead", "不一样", false],
  ["contactSameAsHead", "不是，联系人是行政李四", false],
  ["contactMobile", "139-1234-5678", "13912345678"],
  // 知识产权部门 · 人员
  ["hasIpDepartment", "有", true],
  ["hasIpDepartment", "有的", true],
  ["hasIpDepartment", "有，叫知识产权部", true],
  ["hasIpDepartment", "设有法务部", true],
  ["hasIpDepartment", "没有", false],
  ["hasIpDepartment", "没有设立", false],
  ["hasIpDepartment", "无", false],
  ["hasIpDepartment", "暂时没有", false],
  ["ipStaffCount", "3", 3],
  ["ipStaffCount", "3人", 3],
  ["ipStaffCount", "三个人", 3],
  ["ipStaffCount", "两个", 2],
  ["ipStaffCount", "十来个", 10],
  ["ipStaffCount", "没有", 0],
  ["ipStaffCount", "无", 0],
  ["ipStaffCount", "还没有", 0],
  ["ipStaffCount", "一个都没有", 0],
  ["ipStaffCount", "知识产权人员2人", 2],
  ["ipStaffCount", "不到十个", err("这不是一个数字")],
  // 管理制度 ＿年 (optional)
  ["ipRulesYear", "2018", 2018],
  ["ipRulesYear", "2018年", 2018],
  ["ipRulesYear", "2019年3月", 2019],
  ["ipRulesYear", "2019.3", 2019],
  ["ipRulesYear", "2019-03-15", 2019],
  ["ipRulesYear", "二〇一九年", 2019],
  ["ipRulesYear", "二零一九年", 2019],
  ["ipRulesYear", "18年", 2018],
  ["ipRulesYear", "去年", 2024],
  ["ipRulesYear", "三年前", 2022],
  ["ipRulesYear", "5年前建立的", 2020],
  ["ipRulesYear", "大概2019年吧", 2019],
  ["ipRulesYear", "2019年就建立了", 2019],
  ["ipRulesYear", "没有", null],
  ["ipRulesYear", "还没有建立", null],
  ["ipRulesYear", "跳过", null],
  ["ipRulesYear", "2030", err("年份不能晚于今年（2025 年）")],
  ["ipRulesYear", "2018年建立2020年修订", err("不止一个年份")],
  ["ipRulesYear", "很早了", err("没看懂“很早了”里的年份")],
  // GB/T 29490 认证 ＿年 (optional, from 2013)
  ["gbt29490Year", "2020", 2020],
  ["gbt29490Year", "2020年通过", 2020],
  ["gbt29490Year", "2021年12月", 2021],
  ["gbt29490Year", "未认证", null],
  ["gbt29490Year", "还没有认证", null],
  ["gbt29490Year", "没有", null],
  ["gbt29490Year", "没认证", null],
  ["gbt29490Year", "暂未通过", null],
  ["gbt29490Year", "2010", err("年份不能早于 2013 年")],
  ["gbt29490Year", "正在贯标", err("没看懂“正在贯标”里的年份")],
  ["gbt29490Year", "正在贯标", err("没有请回复“没有”")],
  // 示范企业 · 优势企业 (国家/省, or none)
  ["demoEnterprise", "无", []],
  ["demoEnterprise", "没有", []],
  ["demoEnterprise", "不是", []],
  ["demoEnterprise", "国家级", ["national"]],
  ["demoEnterprise", "省级的", ["provincial"]],
  ["demoEnterprise", "广东省", ["provincial"]],
  ["demoEnterprise", "1,2", ["national", "provincial"]],
  ["demoEnterprise", "都是", ["national", "provincial"]],
  ["demoEnterprise", "国家和省", ["national", "provincial"]],
  ["demoEnterprise", "国家级、省级都有", ["national", "provincial"]],
  ["demoEnterprise", "不是国家级，是省级", ["provincial"]],
  ["demoEnterprise", "1,5", err("没有“5”这一项")],
  ["demoEnterprise", "1,无", err("“无”不能和其他选项同时选")],
  ["demoEnterprise", "市级", err("1 国家级、2 省级")],
  ["advantageEnterprise", "省级优势企业", ["provincial"]],
  ["advantageEnterprise", "国家知识产权优势企业", ["national"]],
  ["advantageEnterprise", "还不是", []],
  ["advantageEnterprise", "2", ["provincial"]],
  // 国家高新技术企业 ＿年 (optional, from 1991)
  ["highTechYear", "2022", 2022],
  ["highTechYear", "2022年12月", 2022],
  ["highTechYear", "22年", 2022],
  ["highTechYear", "２０２２年", 2022],
  ["highTechYear", "不是高新", null],
  ["highTechYear", "没有", null],
  ["highTechYear", "1985", err("年份不能早于 1991 年")],
  // 国家、省专利奖
  ["patentAward", "拿过广东专利奖优秀奖", ["provincial"]],
  ["patentAward", "广东专利奖金奖", ["provincial"]],
  ["patentAward", "中国专利奖优秀奖", ["national"]],
  ["patentAward", "中国专利奖和广东专利奖", ["national", "provincial"]],
  ["patentAward", "没拿过", []],
  ["patentAward", "没有获奖", []],
  ["patentAward", "无", []],
  ["patentAward", "省级", ["provincial"]],
  ["patentAward", "2", ["provincial"]],
  ["patentAward", "市专利奖", err("没看懂“市专利奖”是哪一项")],
  // 有效量（件）: one at a time, or several named in one message
  ["validInvention", "12", 12],
  ["validInvention", "12件", 12],
  ["validInvention", "十二件", 12],
  ["validInvention", "０", 0],
  ["validInvention", "没有", 0],
  ["validInvention", "一件都没有", 0],
  ["validInvention", "发明12件", 12],
  ["validInvention", "发明专利有12件", 12],
  ["validInvention", "-3", err("不能是负数")],
  ["validInvention", "发明12件，版权很多", err("没看懂“版权很多”")],
  ["validInvention", "发明12件，实用新型45件，外观8件", fills({ validInvention: 12, validUtility: 45, validDesign: 8 })],
  ["validInvention", "发明12 实用新型45 外观8 PCT1", fills({ validInvention: 12, validUtility: 45, validDesign: 8, validPct: 1 })],
  ["validInvention", "发明专利12件、实用新型专利45件", fills({ validInvention: 12, validUtility: 45 })],
  ["validInvention", "发明十二件，实用新型四十五件，外观没有", fills({ validInvention: 12, validUtility: 45, validDesign: 0 })],
  ["validInvention", "12件发明，45件实用新型", fills({ validInvention: 12, validUtility: 45 })],
  ["validInvention", "发明：12；实用新型：45；外观设计：8；PCT：0；国内商标：6；境外商标：0；版权：2；其他：0", fills({ validInvention: 12, validUtility: 45, validDesign: 8, validPct: 0, validTrademarkDomestic: 6, validTrademarkOverseas: 0, validCopyright: 2, validOther: 0 })],
  ["validInvention", "发明12件，专利3件", err("看懂了：发明专利 12 件；“专利”可能是发明专利或实用新型专利或外观设计专利或PCT 专利")],
  ["validInvention", "发明12件，实用新型-4件", err("实用新型专利：不能是负数")],
  ["validUtility", "实用新型45，外观8", fills({ validUtility: 45, validDesign: 8 })],
  ["validUtility", "45件", 45],
  ["validDesign", "外观设计8件", 8],
  ["validPct", "1", 1],
  ["validPct", "PCT 2件", 2],
  ["validTrademarkDomestic", "国内商标8件，境外商标2件", fills({ validTrademarkDomestic: 8, validTrademarkOverseas: 2 })],
  ["validTrademarkDomestic", "商标6件，国外商标0", fills({ validTrademarkDomestic: 6, validTrademarkOverseas: 0 })],
  ["validTrademarkDomestic", "6个", 6],
  ["validTrademarkOverseas", "没有", 0],
  ["validCopyright", "软著5件，其他0", fills({ validCopyright: 5, validOther: 0 })],
  ["validCopyright", "两件", 2],
  ["validOther", "无", 0],
  // 申请需求 (7.1 a–g)
  ["needs", "1、3、7", ["a", "c", "g"]],
  ["needs", "快速维权", ["c"]],
  ["needs", "快速维权和海外保护", ["c", "d"]],
  ["needs", "管理体系建设、快速维权", ["a", "c"]],
  ["needs", "1,3", ["a", "c"]],
  ["needs", "136", ["a", "c", "f"]],
  ["needs", "无", err("没有“无”这一项")],
  ["needs", "8", err("没有“8”这一项")],
  // 负责人签名
  ["isHeadSelf", "是", true],
  ["isHeadSelf", "是的，我是负责人", true],
  ["isHeadSelf", "不是", false],
  ["isHeadSelf", "不是，我是行政", false],
];

/** Steps only reached on another path: their prerequisites. */
const EXTRA: Record<string, Answers> = {};

function run(field: string, typed: string) {
  const d = startAt(flow, field, makeCtx(), EXTRA[field] ?? {});
  expect(d.state.cursor, "the corpus starts at its step").toBe(field);
  return d.send(typed);
}

describe("[A.1] answer corpus: natural answers through the engine", () => {
  it("has at least 200 answers", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
  });

  it.each(CORPUS)("%s ← %j", (field, typed, expected) => {
    const d = run(field, typed);
    if (expected !== null && typeof expected === "object" && "error" in expected) {
      expect(d.state.cursor).toBe(field);
      expect(d.state.answers).not.toHaveProperty(field);
      expect(d.out).toContain(expected.error);
      return;
    }
    if (expected !== null && typeof expected === "object" && "fills" in expected) {
      for (const [k, v] of Object.entries(expected.fills)) expect(d.state.answers[k], k).toEqual(v);
      expect(d.out).toContain("已填：");
      expect(d.state.cursor).not.toBe(field);
      return;
    }
    expect(d.state.answers[field]).toEqual(expected);
    expect(d.state.cursor).not.toBe(field);
  });
});

describe("[A.1] what is understood is said back", () => {
  // Choices are said back by render.ts echoLine ("已选：…"); numbers and years read from words here.
  it("echoes a number or year read from words, and a negation taken as none", () => {
    expect(run("headcount", "三百人").out).toContain("已记录：300 人");
    expect(run("validCopyright", "两件").out).toContain("已记录：2 件");
    expect(run("ipRulesYear", "2019年3月").out).toContain("已记录：2019 年");
    expect(run("gbt29490Year", "未认证").out).toContain("已记录：GB/T 29490 认证年份——未认证");
  });

  it("does not echo what was typed plainly", () => {
    expect(run("headcount", "120").out).not.toContain("已记录");
    expect(run("ipRulesYear", "2018年").out).not.toContain("已记录");
  });

  it("takes a town named against the suggestion", () => {
    const d = run("townId", "是坦洲");
    expect(d.state.answers.townId).toBe(townId("坦洲"));
    expect(d.out).toContain("已选：坦洲");
  });

  it("fills several counts at once, names them, and asks the next one", () => {
    const d = run("validInvention", "发明12件，实用新型45件，外观8件");
    expect(d.out).toContain("已填：发明专利 12 件、实用新型专利 45 件、外观设计专利 8 件");
    expect(d.state.cursor).toBe("validPct");
    expect(d.state.history.slice(-3)).toEqual(["validInvention", "validUtility", "validDesign"]);
  });

  it("fills later counts and asks the current one again when it was not named", () => {
    const d = run("validInvention", "实用新型45，外观8");
    expect(d.state.answers).toMatchObject({ validUtility: 45, validDesign: 8 });
    expect(d.state.cursor).toBe("validInvention");
    expect(d.out).toContain("已填：实用新型专利 45 件、外观设计专利 8 件");
  });
});

describe("[A.1] a whole application in natural words", () => {
  it.each([false, true])("is understood without a refusal (buttons: %s), 30 messages for every question", (buttons) => {
    const d = new Driver(flow, makeCtx(buttons));
    for (const { typed, stores } of NATURAL_SCRIPT) {
      d.send(typed);
      expect(d.state.failures, `after ${typed}`).toEqual({});
      for (const [k, v] of Object.entries(stores)) expect(d.state.answers[k], `${typed} → ${k}`).toEqual(v);
    }
    expect(d.state.mode).toBe("summary");
    d.send("确认提交");
    const submitted = d.commands.find((c) => c.type === "submit");
    expect(submitted?.type === "submit" && submitted.answers).toMatchObject({ isListed: false, contactName: "李四", validDesign: 8, gbt29490Year: null });
  });
});

describe("[A.1] a return that asks 如未认证请注明", () => {
  const returned = () => new Driver(flow, makeCtx(), { prefill: { ...HAPPY_ANSWERS, gbt29490Year: null }, onlyFields: ["gbt29490Year"], notice: "如未认证请注明" });
  it.each(["未认证", "还没有认证", "没有认证"])("accepts %j as not certified", (typed) => {
    const d = returned().send(typed);
    expect(d.state.mode).toBe("summary");
    expect(d.state.answers.gbt29490Year).toBeNull();
  });
  it("takes a year too", () => {
    expect(returned().send("2021年通过").state.answers.gbt29490Year).toBe(2021);
  });
  it("lets a revision fill only the returned count", () => {
    const d = new Driver(flow, makeCtx(), { prefill: HAPPY_ANSWERS, onlyFields: ["validInvention"] });
    d.send("发明20件，实用新型50件");
    expect(d.state.cursor).toBe("validInvention");
    expect(d.out).toContain("实用新型专利这次不需要填写");
    expect(d.state.answers.validUtility).toBe(HAPPY_ANSWERS.validUtility);
  });
});

describe("[A.1] edits by number or by name", () => {
  const summary = () => new Driver(flow, makeCtx(), { prefill: HAPPY_ANSWERS });
  // Every step of HAPPY_ANSWERS applies, in flow order: a field's number is its place there.
  const numberOf = (id: string) => Object.keys(HAPPY_ANSWERS).indexOf(id) + 1;
  it.each([
    ["改一下21", 21],
    ["修改 15", 15],
    ["改15", 15],
    ["第3项改一下", 3],
    ["我要改 6", 6],
  ])("%s on the summary opens field %i", (typed, n) => {
    const d = summary().send(typed);
    expect(d.state.mode).toBe("editing");
    expect(numberOf(d.state.cursor!)).toBe(n);
  });
  it.each([
    ["改负责人手机", "headMobile"],
    ["修改负责人的手机", "headMobile"],
    ["改联系电话", "contactMobile"],
    ["改一下上市情况", "listingStatus"],
    ["改注册地址", "registeredAddress"],
    ["改人数", "headcount"],
  ])("%s opens %s (summary and mid-form)", (typed, id) => {
    expect(summary().send(typed).state.cursor).toBe(id);
    expect(startAt(flow, "validInvention").send(typed).state.cursor).toBe(id);
  });
  it("lists the fields a name could mean, by number", () => {
    const d = summary().send("改手机");
    expect(d.state.mode).toBe("summary");
    expect(d.out).toMatch(/“手机”可能是：\d+ 负责人手机、\d+ 联系人手机。请回复序号/);
  });
  it.each(["改革发展部", "改进部（负责人手机管理）"])("keeps %j, an answer that merely starts with 改", (typed) => {
    const d = startAt(flow, "ipDepartmentName", makeCtx(), { hasIpDepartment: true });
    d.send(typed);
    expect(d.state.answers.ipDepartmentName).toBe(typed);
  });
});
