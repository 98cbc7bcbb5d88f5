// What the applicant is told at each step of the approval (6.3 a), in plain words.
import type { ApprovalEffect, Stage } from "../../domain/approval/approval-machine.ts";
import { shortId, STAGE_SHORT } from "./approval-texts.ts";

export function applicantNotice(app: { id: string; studioNumber: string | null }, e: Extract<ApprovalEffect, { type: "notifyApplicant" }>, townLabel?: string): string {
  const no = `申请号 ${shortId(app.id)}`;
  switch (e.notice) {
    case "submitted":
      return `您的工作室申请已提交（${no}），已转镇街市场监督管理分局初审。回复“我的申请”可随时查看进度。`;
    case "resubmitted":
      return `修改后的申请已重新提交（${no}），回到${STAGE_SHORT[e.stage ?? 1]}。`;
    case "advanced":
      return `您的申请（${no}）已通过${STAGE_SHORT[((e.stage ?? 2) - 1) as Stage] ?? "上一阶段"}，进入${STAGE_SHORT[e.stage ?? 2]}。`;
    case "returned":
      return `您的申请（${no}）被${STAGE_SHORT[e.stage ?? 1]}退回修改。\n审核意见：${e.opinion ?? ""}`;
    case "rejected":
      return `很遗憾，您的申请（${no}）未获${STAGE_SHORT[e.stage ?? 1]}通过。\n审核意见：${e.opinion ?? ""}\n如有疑问可联系审核部门；您也可以重新申请。`;
    case "forwarded":
      return `您的申请（${no}）已转由${townLabel ?? "其他镇街"}市场监督管理分局初审，无需重新提交。\n原因：${e.opinion ?? ""}`;
    case "approved":
      // The card (approval-cards.ts outcomeCard) is what is sent; this is its plain-text form.
      return `恭喜！您的工作室申请（${no}）已获批准。\n工作室编号：\n${app.studioNumber ?? ""}`;
  }
}
