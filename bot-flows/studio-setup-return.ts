// 6.3 b 退回补充: the city IP officer who taps 退回补充 on a set-up confirm card gives the reason
// (at least 2 characters) and the items to supplement (none named = all). Like the approval
// opinion it lapses after 30 minutes, ends on a cancel word, and a menu word leaves it.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const SETUP_RETURN_FLOW = "studio-setup-return";

export const studioSetupReturnFlow: FlowDefinition = {
  id: SETUP_RETURN_FLOW,
  version: 1,
  title: "退回补充",
  sections: [{ id: "return", title: "退回补充" }],
  steps: [
    {
      id: "reason",
      kind: "text",
      section: "return",
      clause: "6.3 b",
      label: "退回理由",
      prompt: "请输入退回补充的理由（必填），如：标志照片看不清，请重拍。回复“取消”放弃。",
      minLength: 2,
      maxLength: 500,
      error: "请填写退回理由（至少 2 个字），如：标志照片看不清，请重拍。回复“取消”放弃。",
    },
    {
      id: "items",
      kind: "multi-choice",
      section: "return",
      clause: "6.3 b",
      label: "需要补充的项目",
      prompt: "需要补充哪几项？回复序号，可多选，如 1,3；回复 0 表示全部重新登记。",
      choiceSource: "context",
      contextKey: "items",
      none: { label: "0" },
      error: "请回复 1–{count} 之间的序号，如 1,3；或回复 0。",
    },
  ],
  texts: {
    done: "已退回补充。",
    cancelled: "已取消，本次未退回。确认卡片仍然有效。",
    left: "已放弃填写退回理由，本次未退回。",
    paused: "退回理由尚未填写完，已暂停。",
    resumed: "回到填写退回理由：请回复理由，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 30, cancelWords: ["取消", "cancel", "算了", "不了"], leaveOnMenuWords: true, nudges: false, restart: "replace" },
};
