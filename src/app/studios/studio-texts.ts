import { describeCompliance, type RosterCompliance } from "../../domain/studio/roster.ts";
import { SETUP_ITEM_INFO, type SetupItemCode } from "../../domain/studio/studio-setup.ts";

// What studio notices say, in one place (chat flows and jobs share them).

/** The chat command for the set-up checklist (6.3 b), named in reminders. */
export const SETUP_COMMAND = "工作室建设";
/** The chat command for a studio's roster and compliance (6.4). */
export const STATUS_COMMAND = "工作室情况";

const items = (codes: readonly SetupItemCode[]) => codes.map((c) => SETUP_ITEM_INFO[c].label).join("、");
const studioName = (s: { number: string; enterpriseName: string }) => `工作室 ${s.number}（${s.enterpriseName}）`;

export function setupReminderText(s: { number: string; enterpriseName: string }, missing: readonly SetupItemCode[]): string {
  return `【工作室建设提醒】${studioName(s)}尚未完成建设（6.3 b），还需登记：${items(missing)}。请发送“${SETUP_COMMAND}”逐项登记（可附照片），完成后提交市局知识产权科室确认。`;
}

export function setupAwaitingConfirmationText(s: { number: string; enterpriseName: string }, submittedOn: string): string {
  return `【工作室建设待确认】${studioName(s)}已于 ${submittedOn} 提交建设清单（6.3 b），请核实后确认或退回补充。`;
}

export function setupConfirmedText(s: { number: string; enterpriseName: string }, by: string): string {
  return `【工作室已运行】${studioName(s)}的建设情况已由 ${by} 确认，工作室正式运行。现在可以发送“申请服务”提出知识产权服务需求。`;
}

export function setupReturnedText(s: { number: string; enterpriseName: string }, by: string, reason: string, codes: readonly SetupItemCode[]): string {
  return `【建设清单退回补充】${studioName(s)}的建设清单被 ${by} 退回：${reason}\n需补充：${items(codes)}。请发送“${SETUP_COMMAND}”补充后再次提交。`;
}

export function rosterReminderText(s: { number: string; enterpriseName: string }, c: RosterCompliance): string {
  return `【工作室人员配备提醒】${studioName(s)}${describeCompliance(c)}\n请补齐人员（发送“${STATUS_COMMAND}”查看）。`;
}
