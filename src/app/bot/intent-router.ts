// Intent routing, decided ONCE per message (grammY-style filters): classify() looks at the event
// and the person's active conversation and names exactly one intent; route() dispatches it. The
// precedence lives in classify() alone, so the order handlers are written in no longer matters.
import type { StoredSession } from "../../flows/session-store.ts";
import { ownsEveryText } from "../../flows/conversation-runner.ts";
import type { FlowDefinition } from "../../flows/flow-schema.ts";
import type { InboundEvent } from "../../domain/chat.ts";
import { KEY_TO_DECISION } from "./approval-handler.ts";
import { menuIntent } from "./menu.ts";
import { isStudioMessage } from "./studio-commands.ts";
import { isServiceMessage } from "./service-request-handler.ts";
import { isSurveyMessage } from "./survey-handler.ts";
import { isIpMessage } from "./ip-asset-handler.ts";
import { isReminderMessage } from "./ip-reminder-handler.ts";

const APPLICANT_WORDS = ["催办", "催一下", "urge", "撤回", "撤回申请", "withdraw", "确认撤回"];

export type Intent =
  /** 同意 / 退回修改 / 不同意 on an approval card. */
  | { kind: "approval-card" }
  /** A.1 负责人签名: the head's card (确认提交 / 暂不同意). */
  | { kind: "head-confirm" }
  /** The message answers the person's active conversation. */
  | { kind: "conversation"; session: StoredSession }
  /** A flow button with no conversation behind it. */
  | { kind: "stale-flow-button" }
  /** 待我审批. */
  | { kind: "pending" }
  /** 声明授权 (A.1): declare the head's authority for a draft awaiting the head. */
  | { kind: "declare" }
  /** 催办 / 撤回 / 确认撤回 on one's own application. */
  | { kind: "applicant-action" }
  /** 我的申请. */
  | { kind: "status" }
  /** A flow's own start word (conversation.startWords). */
  | { kind: "start-flow"; flowId: string }
  /** 申请工作室 (or 继续 with a paused draft): start, continue or reopen the application. */
  | { kind: "apply"; resume: boolean }
  /** 申请服务, 我的服务, 进展 …, 办结 …, and the service cards' buttons (clause 4). */
  | { kind: "service" }
  /** 8.1 / 8.2: 评价, 匿名评价, the survey and follow-up cards' buttons, 服务评价 (officers), 发起满意度调查. */
  | { kind: "survey" }
  /** The IP register: 登记知识产权, 我的知识产权. */
  | { kind: "ip" }
  /** IP risk reminders: the digest's 已处理 / 稍后提醒 / 需要帮助 buttons, or typed with the item's number. */
  | { kind: "ip-reminder" }
  /** 工作室建设 / 工作室成员 / 工作室情况 and the set-up card's 确认 / 退回补充 (6.3 b, 6.4). */
  | { kind: "studio" }
  /** Nothing else: the menu answers. */
  | { kind: "menu" };

export interface Facts {
  /** The person's active conversation (lapsed ones already ended) and its flow. */
  active: { session: StoredSession; flow: FlowDefinition } | null;
  /** Does the person hold an approver role (town / city)? */
  approver: boolean;
  /** Has the person a draft application awaiting its head (声明授权 applies)? */
  draftAwaitingHead: boolean;
  /** Has the person a cancelled application draft "继续" reopens? */
  cancelledDraft: boolean;
  /** The flow a start word names (conversation.startWords), if any. */
  flowStartedBy: (word: string) => string | null;
}

/** Which one handler the event goes to. Pure: same event and facts, same intent. */
export function classify(event: InboundEvent, facts: Facts): Intent {
  const active = facts.active;
  if (event.kind === "button") {
    const key = event.key;
    if (KEY_TO_DECISION.has(key)) return { kind: "approval-card" };
    if (key.startsWith("hc:") && event.cardId) return { kind: "head-confirm" };
    if (isServiceMessage(event, active?.flow.id)) return { kind: "service" };
    if (isStudioMessage(event)) return { kind: "studio" };
    if (isSurveyMessage(event)) return { kind: "survey" };
    if (isReminderMessage(event)) return { kind: "ip-reminder" };
    if (key.startsWith("flow:")) return active ? { kind: "conversation", session: active.session } : { kind: "stale-flow-button" };
    const m = menuIntent(null, key);
    if (m === "pending") return { kind: "pending" };
    if (m === "status") return { kind: "status" };
    if (m === "apply") return { kind: "apply", resume: false };
    return { kind: "menu" };
  }
  // A photo answers the active conversation's media step (the engine re-asks anything else).
  if (event.kind === "media") return active ? { kind: "conversation", session: active.session } : { kind: "menu" };
  if (event.kind !== "text") return { kind: "menu" };
  const text = event.text;
  const word = text.normalize("NFKC").trim().toLowerCase();
  const intent = menuIntent(text, null);
  // A short dialog (the officer's opinion) owns every text; its own cancel and menu words end it.
  if (active && ownsEveryText(active.flow)) return { kind: "conversation", session: active.session };
  if (isStudioMessage(event)) return { kind: "studio" };
  if (isServiceMessage(event, active?.flow.id)) return { kind: "service" };
  if (isSurveyMessage(event)) return { kind: "survey" };
  if (isReminderMessage(event)) return { kind: "ip-reminder" };
  if (isIpMessage(event)) return { kind: "ip" };
  // Commands that stay commands mid-form (as before): an approver's list, a declaration for a
  // draft awaiting its head, urging and withdrawing, the status query.
  if (intent === "pending") return facts.approver || !active ? { kind: "pending" } : { kind: "conversation", session: active.session };
  // A.1: 确认声明, "修改 15" … while the application waits for its head (no form open).
  if (!active && facts.draftAwaitingHead && word !== "声明授权") return { kind: "declare" };
  if (word === "声明授权") {
    if (facts.draftAwaitingHead) return { kind: "declare" };
    // Mid-form it may be an answer (负责人确认方式 offers 声明代为提交): the form's to judge.
    return active ? { kind: "conversation", session: active.session } : { kind: "declare" };
  }
  if (APPLICANT_WORDS.includes(word)) return { kind: "applicant-action" };
  if (active) return intent === "status" ? { kind: "status" } : { kind: "conversation", session: active.session };
  if (facts.cancelledDraft && (intent === "apply" || word === "继续")) return { kind: "apply", resume: true };
  if (intent === "apply") return { kind: "apply", resume: false };
  if (intent === "status") return { kind: "status" };
  const flowId = facts.flowStartedBy(word);
  if (flowId) return { kind: "start-flow", flowId };
  return { kind: "menu" };
}
