// The whole studio application (A.1) answered the way a manager types on a phone: natural
// words, several counts in one message, negations. Each line is one message and what it must
// store; a test plays it through the engine (answer-corpus.test.ts) and the browser journey can
// play it in the simulator. 30 messages for the 38 questions.
import type { Answers } from "../../src/flows/flow-schema.ts";
import { townId } from "./helpers.ts";

export const NATURAL_SCRIPT: { typed: string; stores: Answers }[] = [
  { typed: "中山市某某(中国)科技有限公司", stores: { enterpriseName: "中山市某某（中国）科技有限公司" } },
  { typed: "9135 0100 m000 100y43", stores: { uscc: "91350100M000100Y43" } },
  { typed: "中山市小榄镇升平路１号", stores: { registeredAddress: "中山市小榄镇升平路1号" } },
  { typed: "是", stores: { townId: townId("小榄") } },
  { typed: "没有", stores: { listingStatus: "unlisted" } },
  { typed: "注册资本500万，员工三百人，营收三千多万", stores: { registeredCapitalWan: 500, headcount: 300, revenueWan: 3000 } },
  { typed: "不是规上", stores: { isAboveScale: false } },
  { typed: "省级的", stores: { specialisedLevel: "provincial" } },
  { typed: "还没有", stores: { isLeadingReserve: false } },
  { typed: "没有列入", stores: { isIpKeyProtection: false } },
  { typed: "张三", stores: { headName: "张三" } },
  { typed: "总经理", stores: { headTitle: "总经理" } },
  { typed: "138 0013 8000", stores: { headMobile: "13800138000" } },
  { typed: "不是，是我", stores: { contactSameAsHead: false } },
  { typed: "李四", stores: { contactName: "李四" } },
  { typed: "知识产权专员", stores: { contactTitle: "知识产权专员" } },
  { typed: "139 1234 5678", stores: { contactMobile: "13912345678" } },
  { typed: "有，叫知识产权部", stores: { hasIpDepartment: true } },
  { typed: "知识产权部", stores: { ipDepartmentName: "知识产权部" } },
  { typed: "三个人", stores: { ipStaffCount: 3 } },
  { typed: "2019年3月", stores: { ipRulesYear: 2019 } },
  { typed: "还没有认证", stores: { gbt29490Year: null } },
  { typed: "省级的", stores: { demoEnterprise: ["provincial"] } },
  { typed: "没有", stores: { advantageEnterprise: [] } },
  { typed: "2022年12月", stores: { highTechYear: 2022 } },
  { typed: "拿过广东专利奖优秀奖", stores: { patentAward: ["provincial"] } },
  { typed: "发明12件，实用新型45件，外观8件", stores: { validInvention: 12, validUtility: 45, validDesign: 8 } },
  { typed: "PCT1件，国内商标6件，境外商标没有，版权2件，其他0", stores: { validPct: 1, validTrademarkDomestic: 6, validTrademarkOverseas: 0, validCopyright: 2, validOther: 0 } },
  { typed: "快速维权和海外保护", stores: { needs: ["c", "d"] } },
  { typed: "是的，我是负责人", stores: { isHeadSelf: true } },
];
