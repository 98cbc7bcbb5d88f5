// A.1 负责人签名: what the enterprise's head and the applicant read around the head's confirmation.
import { studioApplicationFlow } from "../../../bot-flows/studio-application.ts";
import type { Card } from "../../domain/chat.ts";
import { maskCreditCodes, maskMobiles } from "../../domain/mask.ts";
import { shortId } from "./approval-texts.ts";

export const HEAD_KEY = {
  confirm: "hc:confirm",
  decline: "hc:decline",
  /** The applicant's 声明授权, confirmed after reading the declaration. */
  declare: "hc:declare",
  declareCancel: "hc:declare-cancel",
} as const;

export interface HeadCardApp {
  id: string;
  enterpriseName: string;
  uscc: string | null;
  registeredAddress: string;
  listingStatus: string;
  contactName: string;
  contactMobile: string;
  headName: string;
}

function listingLabel(value: string): string {
  const step = studioApplicationFlow.steps.find((s) => s.id === "listingStatus");
  const options = step && step.kind === "choice" ? (step.options ?? []) : [];
  return options.find((o) => o.value === value)?.label ?? value;
}

/**
 * The head's card: the key facts of the form and a signed link to all of it. The credit code and
 * the contact's mobile are masked on the card (it may be forwarded); the linked form has them.
 */
export function headConfirmCard(o: { cardId: string; app: HeadCardApp; applicantName: string; url: string; again?: { changes: string[] } }): Card {
  const { app } = o;
  const lead = o.again
    ? `${o.applicantName} 修改了 ${app.enterpriseName} 的工作室申请，需要您再次确认。${o.again.changes.length ? `\n已修改：${o.again.changes.join("；")}` : ""}`
    : `${o.applicantName} 代 ${app.enterpriseName} 填写了知识产权流动工作室申请，需要您作为负责人确认（申请号 ${shortId(app.id)}）。`;
  return {
    id: o.cardId,
    title: o.again ? "请再次确认工作室申请（负责人签名）" : "请确认工作室申请（负责人签名）",
    description: `${lead}\n点开卡片可查看完整申请表。`,
    facts: [
      { label: "企业", value: app.enterpriseName },
      ...(app.uscc ? [{ label: "信用代码", value: maskCreditCodes(app.uscc) }] : []),
      { label: "注册地址", value: app.registeredAddress },
      { label: "上市情况", value: listingLabel(app.listingStatus) },
      { label: "联系人", value: `${app.contactName} ${maskMobiles(app.contactMobile)}` },
    ],
    url: o.url,
    buttons: [
      { key: HEAD_KEY.confirm, label: "确认提交", style: "primary" },
      { key: HEAD_KEY.decline, label: "暂不同意", style: "danger" },
    ],
  };
}

/** What the applicant is told when the head has been asked (or could not be reached). */
export function headAskedText(app: { id: string; headName: string }, reached: boolean, helpContact: string, again = false): string {
  const saved = again ? "修改已保存" : `申请已保存（申请号 ${shortId(app.id)}）`;
  if (reached) return `${saved}，已请负责人 ${app.headName} 在聊天中${again ? "再次" : ""}确认，确认后自动提交审核。等待期间可回复“修改 序号”修改内容。`;
  return `${saved}，需要负责人 ${app.headName} 确认后才会提交审核。\n系统中还没有负责人的账号：请负责人联系 ${helpContact} 开通，或由您回复“声明授权”，声明已获负责人授权后直接提交。`;
}

/** A.1: the declaration the applicant makes when signing for the head. */
export function declarationText(o: { applicantName: string; enterpriseName: string; headName: string }): string {
  return `本人 ${o.applicantName} 声明：已获得 ${o.enterpriseName} 负责人 ${o.headName} 的授权，代其确认并提交本申请；申请表所填内容真实、准确，如有不实，由本企业承担相应责任。`;
}

export function declarationCard(cardId: string, o: { applicantName: string; enterpriseName: string; headName: string }): Card {
  return {
    id: cardId,
    title: "声明授权（代负责人签名）",
    description: declarationText(o),
    buttons: [
      { key: HEAD_KEY.declare, label: "确认声明", style: "primary" },
      { key: HEAD_KEY.declareCancel, label: "取消" },
    ],
  };
}

export const DECLARATION_TEXT_HINT = "确认请回复“确认声明”，不声明请回复“取消声明”。";

/** The head hears how the application they confirmed ended (6.3 a). */
export function headOutcomeText(app: { enterpriseName: string; studioNumber: string | null }, notice: "approved" | "returned" | "rejected", opinion?: string): string {
  switch (notice) {
    case "approved":
      return `【已批准】您确认的 ${app.enterpriseName} 工作室申请已获批准。\n工作室编号：\n${app.studioNumber ?? ""}`;
    case "returned":
      return `您确认的 ${app.enterpriseName} 工作室申请被退回修改；修改了内容的，会再请您确认。\n审核意见：${opinion ?? ""}`;
    case "rejected":
      return `您确认的 ${app.enterpriseName} 工作室申请未获通过。\n审核意见：${opinion ?? ""}`;
  }
}
