// Clause 4: what the owner of a service request says from its card — whom to transfer it to
// (转派, the studio's members, supplied at run time), a progress note (登记进展) or the outcome
// (办结). A short dialog: it owns every text but cancel and menu words, and lapses after 30 minutes.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const SERVICE_ACTION_FLOW = "service-action";

export const serviceActionFlow: FlowDefinition = {
  id: SERVICE_ACTION_FLOW,
  version: 1,
  title: "服务办理",
  sections: [{ id: "action", title: "服务办理" }],
  steps: [
    // Always prefilled from the card button tapped.
    {
      id: "action",
      kind: "choice",
      section: "action",
      clause: "4",
      label: "操作",
      prompt: "请选择：转派、登记进展或办结。",
      options: [
        { value: "transfer", label: "转派" },
        { value: "progress", label: "登记进展" },
        { value: "close", label: "办结" },
      ],
    },
    {
      id: "to",
      kind: "choice",
      section: "action",
      clause: "4",
      when: { field: "action", equals: "transfer" },
      label: "转派给",
      prompt: "转派给谁？回复序号（回复“取消”放弃）：",
      choiceSource: "context",
      contextKey: "members",
    },
    {
      id: "note",
      kind: "text",
      section: "action",
      clause: "4",
      when: { field: "action", equals: "progress" },
      label: "进展",
      prompt: "请输入办理进展（将通知申请人），回复“取消”放弃：",
      minLength: 2,
      maxLength: 1000,
      error: "请填写进展（至少 2 个字），如：已完成专利检索，正在撰写分析报告。",
    },
    {
      id: "outcome",
      kind: "text",
      section: "action",
      clause: "4",
      when: { field: "action", equals: "close" },
      label: "办理结果",
      prompt: "请输入办理结果（办结后通知申请人），回复“取消”放弃：",
      minLength: 2,
      maxLength: 2000,
      error: "请填写办理结果（至少 2 个字），如：已出具展前风险排查报告并当面讲解。",
    },
  ],
  texts: {
    done: "已记录。",
    cancelled: "已取消，本次未作处理。卡片仍然有效。",
    left: "已放弃本次操作。",
    paused: "服务办理尚未完成，已暂停。",
    resumed: "回到服务办理：请回复内容，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 30, cancelWords: ["取消", "cancel", "算了"], leaveOnMenuWords: true, nudges: false, restart: "replace" },
};
