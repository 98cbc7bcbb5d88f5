// 8.2: the city IP officer closes a low score's follow-up with the action taken; the respondent
// (or, for an anonymous answer, the studio's managers) is told. Started from the follow-up card.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const FOLLOW_UP_FLOW = "follow-up-close";

export const followUpCloseFlow: FlowDefinition = {
  id: FOLLOW_UP_FLOW,
  version: 1,
  title: "评价回访",
  sections: [{ id: "action", title: "评价回访" }],
  steps: [
    {
      id: "resolution",
      kind: "text",
      section: "action",
      clause: "8.2",
      label: "处理结果",
      prompt: "请输入针对这条评价采取的改进措施（将告知评价人），回复“取消”放弃：",
      minLength: 4,
      maxLength: 1000,
      error: "请写明采取的措施（至少 4 个字），如：已约谈服务机构，调整受理人员并于 3 日内回访企业。",
    },
  ],
  texts: {
    done: "已记录。",
    cancelled: "已取消，回访仍待处理，卡片仍然有效。",
    left: "已放弃本次登记，回访仍待处理。",
    paused: "回访登记尚未完成，已暂停。",
    resumed: "回到回访登记：请输入处理结果，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 30, cancelWords: ["取消", "cancel", "算了"], leaveOnMenuWords: true, nudges: false, restart: "replace" },
};
