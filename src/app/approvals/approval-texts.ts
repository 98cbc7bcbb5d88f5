import type { Card, CardFact } from "../../domain/chat.ts";
import { STAGE_LABELS, type Stage } from "../../domain/approval/approval-machine.ts";
import { localParts } from "../../domain/calendar/working-days.ts";
import { maskMobiles } from "../../domain/mask.ts";

// What officers and applicants read about an application: the approval card (everything needed
// to decide without opening anything) and the notices.

export const APPROVAL_KEYS = { approve: "ap:approve", return: "ap:return", reject: "ap:reject" } as const;

/** Application status as applicants and the print view name it. */
export const STATUS_LABELS: Record<string, string> = {
  DRAFT: "待负责人确认",
  IN_REVIEW: "审核中",
  RETURNED: "已退回修改",
  APPROVED: "已批准",
  REJECTED: "未获批准",
  WITHDRAWN: "已撤回",
};

export const STAGE_SHORT: Record<Stage, string> = { 1: "镇街分局初审", 2: "市局知识产权科室审核", 3: "市局审批" };

const SPECIALISED: Record<string, string> = { none: "", "sme-innovative": "创新型中小企业", provincial: "省级专精特新", "little-giant": "国家级专精特新“小巨人”" };
export const NEEDS_LABELS: Record<string, string> = {
  a: "管理体系建设",
  b: "高价值知识产权",
  c: "快速维权",
  d: "海外保护",
  e: "打击侵权",
  f: "高效运用",
  g: "其他",
};

export interface CardApplication {
  id: string;
  enterpriseName: string;
  townName: string;
  listingStatus: string;
  isAboveScale: boolean;
  specialisedLevel: string;
  isLeadingReserve: boolean;
  isIpKeyProtection: boolean;
  validInvention: number;
  validUtility: number;
  validDesign: number;
  validPct: number;
  validTrademarkDomestic: number;
  validTrademarkOverseas: number;
  validCopyright: number;
  validOther: number;
  needs: string;
  needsOther: string | null;
  headConfirmation: string;
}

export interface EarlierOpinion {
  stage: number;
  decidedByName: string | null;
  opinion: string | null;
  status: string;
  decidedAt: Date | null;
}

export const shortId = (id: string) => id.slice(-6).toUpperCase();

/** 6.1 priority facts an approver should see first. */
export function priorityFlags(a: CardApplication): string {
  const flags = [
    a.isAboveScale ? "规上企业" : "非规上企业（6.1 提示）",
    SPECIALISED[a.specialisedLevel] ?? "",
    a.listingStatus !== "unlisted" ? "上市企业" : "",
    a.isLeadingReserve ? "领军入库" : "",
    a.isIpKeyProtection ? "知识产权重点保护企业" : "",
  ].filter(Boolean);
  return flags.join("、");
}

export function needsText(a: Pick<CardApplication, "needs" | "needsOther">): string {
  const needs = JSON.parse(a.needs) as string[];
  return needs.map((n) => (n === "g" && a.needsOther ? `其他：${a.needsOther}` : NEEDS_LABELS[n] ?? n)).join("、") || "无";
}

function formatDay(d: Date | null, timeZone: string): string {
  if (!d) return "";
  const p = localParts(d, timeZone);
  return `${p.month}-${p.day}`;
}

export function approvalCard(opts: { cardId: string; app: CardApplication; stage: Stage; earlier: EarlierOpinion[]; printUrl: string; dueOn: string; timeZone: string; reminder?: boolean }): Card {
  const { app, stage } = opts;
  const facts: CardFact[] = [
    { label: "企业", value: app.enterpriseName },
    { label: "镇街", value: app.townName },
    { label: "重点情况", value: priorityFlags(app) || "无" },
    { label: "有效知识产权", value: `发明${app.validInvention} 实用${app.validUtility} 外观${app.validDesign} PCT${app.validPct} 商标${app.validTrademarkDomestic}+${app.validTrademarkOverseas} 版权${app.validCopyright} 其他${app.validOther}` },
    { label: "申请需求", value: needsText(app) },
    ...opts.earlier
      .filter((e) => e.status === "APPROVED")
      .map((e) => ({ label: `第${e.stage}阶段`, value: `${e.decidedByName ?? ""} ${formatDay(e.decidedAt, opts.timeZone)} ${e.opinion ?? "同意"}` })),
  ];
  const confirm = app.headConfirmation === "DECLARED_AUTHORITY" ? "（申请人声明已获负责人授权）" : "";
  return {
    id: opts.cardId,
    title: `${opts.reminder ? "【催办】" : ""}工作室申请 · 第${stage}/3阶段 ${STAGE_SHORT[stage]}`,
    description: `申请号 ${shortId(app.id)}，请于 ${opts.dueOn} 前处理。${confirm}\n审批栏：${STAGE_LABELS[stage]}`,
    facts: facts.map((f) => ({ label: f.label, value: maskMobiles(f.value) })),
    url: opts.printUrl,
    buttons: [
      { key: APPROVAL_KEYS.approve, label: "同意", style: "primary" },
      { key: APPROVAL_KEYS.return, label: "退回修改", style: "default" },
      { key: APPROVAL_KEYS.reject, label: "不同意", style: "danger" },
    ],
  };
}
