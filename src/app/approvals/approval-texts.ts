import type { Card, CardFact } from "../../domain/chat.ts";
import type { Stage } from "../../domain/approval/approval-machine.ts";
import { maskMobiles } from "../../domain/mask.ts";
import { changesText, historyLine, type HistoryEntry } from "./approval-history.ts";

// What officers and applicants read about an application: the approval card (everything needed
// to decide without opening anything) and the notices.

export const APPROVAL_KEYS = { approve: "ap:approve", approveWithOpinion: "ap:approve-opinion", return: "ap:return", reject: "ap:reject", forward: "ap:forward" } as const;

/**
 * Buttons that stand for a typed command (催办, 撤回, 工作室建设…): the key carries the word, and
 * the bot treats a tap as if the word were typed. Only these words: a forged key names nothing.
 */
const WORD_BUTTONS = ["催办", "撤回", "工作室建设", "我的申请"] as const;
export const wordKey = (word: (typeof WORD_BUTTONS)[number]) => `say:${word}`;
export function wordOfButton(key: string): string | null {
  const word = key.startsWith("say:") ? key.slice(4) : null;
  return word && (WORD_BUTTONS as readonly string[]).includes(word) ? word : null;
}

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
  registeredAddress: string;
  contactName: string;
  contactTitle: string;
  contactMobile: string;
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

export const shortId = (id: string) => id.slice(-6).toUpperCase();

/**
 * 6.1 names 上市 companies; 新三板 is a listing on a trading system (挂牌), not 上市: it is shown
 * as such, never as 上市企业.
 */
export const LISTING_LABELS: Record<string, string> = {
  unlisted: "",
  "main-board": "主板上市",
  chinext: "创业板上市",
  star: "科创板上市",
  bse: "北交所上市",
  neeq: "新三板挂牌（非上市）",
  overseas: "境外上市",
};

/** The card's short forms (WeCom shows 26 characters a fact): 挂牌 is still not 上市. */
const SPECIALISED_SHORT: Record<string, string> = { none: "", "sme-innovative": "创新型中小企业", provincial: "省级专精特新", "little-giant": "专精特新小巨人" };
const LISTING_SHORT: Record<string, string> = { ...LISTING_LABELS, neeq: "新三板挂牌" };

/** 6.1 facts as a list: 规上, 专精特新, 上市, 领军入库, 重点保护. */
export function priorityFlagList(a: Pick<CardApplication, "isAboveScale" | "specialisedLevel" | "listingStatus" | "isLeadingReserve" | "isIpKeyProtection">, short = false): string[] {
  return [
    a.isAboveScale ? "规上企业" : "非规上企业",
    (short ? SPECIALISED_SHORT : SPECIALISED)[a.specialisedLevel] ?? "",
    (short ? LISTING_SHORT : LISTING_LABELS)[a.listingStatus] ?? "",
    a.isLeadingReserve ? "领军入库" : "",
    a.isIpKeyProtection ? (short ? "知产重点保护" : "知识产权重点保护") : "",
  ].filter(Boolean);
}

/** 6.1 priority facts an approver should see first. */
export function priorityFlags(a: Pick<CardApplication, "isAboveScale" | "specialisedLevel" | "listingStatus" | "isLeadingReserve" | "isIpKeyProtection">): string {
  return priorityFlagList(a).join("、");
}

/** A.1 有效量 in words: "发明12", "国内商标8"… */
export function ipCountParts(a: CardApplication): { patents: string[]; others: string[] } {
  return {
    patents: [`发明${a.validInvention}`, `实用新型${a.validUtility}`, `外观设计${a.validDesign}`, `PCT ${a.validPct}`],
    others: [`国内商标${a.validTrademarkDomestic}`, `境外商标${a.validTrademarkOverseas}`, `版权${a.validCopyright}`, `其他${a.validOther}`],
  };
}

/** WeCom shows a fact's value up to 26 characters: longer lists continue on a second fact. */
export const FACT_VALUE_MAX = 26;

/** Packs parts into facts whose values stay within FACT_VALUE_MAX (nothing is ever cut). */
export function packFacts(label: string, parts: readonly string[], sep = "·"): CardFact[] {
  const values: string[] = [];
  for (const p of parts) {
    const last = values.at(-1);
    if (last !== undefined && Array.from(last + sep + p).length <= FACT_VALUE_MAX) values[values.length - 1] = last + sep + p;
    else values.push(p);
  }
  return values.map((value, i) => ({ label: i === 0 ? label : `${label.replace(/（.*）$/, "")}（续）`, value }));
}

export function needsText(a: Pick<CardApplication, "needs" | "needsOther">): string {
  const needs = JSON.parse(a.needs) as string[];
  return needs.map((n) => (n === "g" && a.needsOther ? `其他：${a.needsOther}` : NEEDS_LABELS[n] ?? n)).join("、") || "无";
}

/** The address, with its town when the address does not name it ("小榄镇 · 升平路1号"). */
function addressText(app: CardApplication): string {
  const bare = app.townName.replace(/(镇|街道)$/, "");
  return app.registeredAddress.includes(bare) ? app.registeredAddress : `${app.townName} · ${app.registeredAddress}`;
}

function contactText(app: CardApplication): string {
  return `${app.contactName}（${app.contactTitle}）${app.contactMobile}`;
}

/**
 * The enterprise's facts on an approval card, each within WeCom's 26 characters (a long list goes
 * on to a second fact rather than being cut): address, contact, 6.1, the A.1 counts, the needs.
 */
export function applicationFacts(app: CardApplication): CardFact[] {
  const ip = ipCountParts(app);
  return [
    { label: "地址", value: addressText(app) },
    { label: "联系人", value: contactText(app) },
    ...packFacts("6.1 情况", priorityFlagList(app, true), "、"),
    ...packFacts("有效专利（件）", ip.patents),
    ...packFacts("商标版权（件）", ip.others),
    ...packFacts("申请需求", needsText(app).split("、"), "、"),
  ].map((f) => ({ label: f.label, value: maskMobiles(f.value) }));
}

/**
 * 6.3 a: the approval card — everything needed to decide without opening anything: the
 * enterprise's facts, the whole history (earlier stages, returns, forwards, and on a
 * resubmission what changed), the due day, and the printable form behind the card's link.
 */
export function approvalCard(opts: { cardId: string; app: CardApplication; stage: Stage; history: HistoryEntry[]; printUrl: string; dueOn: string; timeZone: string; reminder?: boolean }): Card {
  const { app, stage } = opts;
  const latest = opts.history.at(-1);
  const resubmitted = latest?.kind === "resubmitted" ? latest : null;
  const forwarded = latest?.kind === "forwarded" ? latest : null;
  const mark = opts.reminder ? "【催办】" : resubmitted ? "【重新提交】" : forwarded ? "【转来】" : "";
  const confirm = app.headConfirmation === "DECLARED_AUTHORITY" ? "\n（申请人声明已获负责人授权）" : "";
  // The latest event first (what is new on this card), then the rest newest first: WeCom shows
  // 160 characters of the description, so a long history loses its oldest lines there, never the
  // news; the whole record is one tap away (the card's link: the form's 审批记录).
  const lead = resubmitted ? [`重新提交 · 已修改：${resubmitted.changes.length ? changesText(resubmitted.changes) : "（未记录）"}`] : forwarded ? [historyLine(forwarded, opts.timeZone)] : [];
  // The first submission is what the card is about: only what happened since is listed.
  const earlier = (resubmitted || forwarded ? opts.history.slice(0, -1) : opts.history).filter((e) => e.kind !== "submitted").reverse().map((e) => historyLine(e, opts.timeZone));
  const buttons: Card["buttons"] = [
    { key: APPROVAL_KEYS.approve, label: "同意", style: "primary" },
    { key: APPROVAL_KEYS.approveWithOpinion, label: "同意并填写意见", style: "default" },
    { key: APPROVAL_KEYS.return, label: "退回修改", style: "default" },
    { key: APPROVAL_KEYS.reject, label: "不同意", style: "danger" },
  ];
  // 6.3 a: only the town stage belongs to a town; the city's stages have nowhere to forward to.
  if (stage === 1) buttons.push({ key: APPROVAL_KEYS.forward, label: "转其他镇街", style: "default" });
  return {
    id: opts.cardId,
    title: `${mark}第${stage}/3阶段 · ${app.enterpriseName}`,
    description: maskMobiles(
      // WeCom shows ≤ 160 characters of this: the first line stays short, the news comes next.
      [`${STAGE_SHORT[stage]} · 申请号 ${shortId(app.id)} · ${opts.dueOn.slice(5)} 前处理${confirm}`, ...lead, ...earlier].join("\n"),
    ),
    facts: applicationFacts(app),
    url: opts.printUrl,
    buttons,
  };
}
