// 6.3 a / A.1 审核意见: an officer who returns or rejects an application from its approval card
// gives the opinion here — at least 2 characters; for a return, which fields to revise (the
// application's own fields, numbered, supplied at run time; 0 = the applicant checks everything);
// for a reject, an explicit confirmation, since it is final. 同意并填写意见 asks for an optional
// opinion (skipped: "同意推荐" goes on the form); 转其他镇街 asks for the town (the active towns
// but the application's own, supplied at run time) and the reason. It lapses after 30 minutes,
// ends on a cancel word, and a menu word (菜单, 待我审批…) leaves it and is handled as that command.
// The steps added for APPROVE and FORWARD leave the RETURN / REJECT paths as they were, so a
// saved state of this version still runs.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const APPROVAL_OPINION_FLOW = "approval-opinion";

export const approvalOpinionFlow: FlowDefinition = {
  id: APPROVAL_OPINION_FLOW,
  version: 1,
  title: "审批意见",
  sections: [{ id: "opinion", title: "审批意见" }],
  steps: [
    // Always prefilled from the card button tapped (同意并填写意见 / 退回修改 / 不同意 / 转其他镇街).
    {
      id: "decision",
      kind: "choice",
      section: "opinion",
      clause: "6.3 a",
      label: "决定",
      prompt: "请选择：同意、退回修改、不同意，或转其他镇街。",
      options: [
        { value: "RETURN", label: "退回修改" },
        { value: "REJECT", label: "不同意" },
        { value: "APPROVE", label: "同意" },
        { value: "FORWARD", label: "转其他镇街" },
      ],
    },
    {
      id: "approveOpinion",
      kind: "text",
      section: "opinion",
      clause: "A.1",
      when: { field: "decision", equals: "APPROVE" },
      label: "同意意见",
      prompt: "请输入同意的意见，如：同意推荐，建议优先建站。回复“跳过”则意见为“同意推荐”；回复“取消”放弃。",
      optional: true,
      minLength: 2,
      maxLength: 1000,
      error: "请填写意见（至少 2 个字），或回复“跳过”使用“同意推荐”。回复“取消”放弃。",
    },
    {
      id: "toTown",
      kind: "choice",
      section: "opinion",
      clause: "6.3 a",
      when: { field: "decision", equals: "FORWARD" },
      label: "转至镇街",
      prompt: "转到哪个镇街的分局初审？请回复序号或镇街名称。回复“取消”放弃。",
      choiceSource: "context",
      contextKey: "towns",
      error: "请回复镇街的序号或名称，如 古镇。回复“取消”放弃。",
    },
    {
      id: "forwardReason",
      kind: "text",
      section: "opinion",
      clause: "6.3 a",
      when: { field: "decision", equals: "FORWARD" },
      label: "转办理由",
      prompt: "请输入转办理由（必填，申请人会看到），如：注册地址在古镇镇。回复“取消”放弃。",
      minLength: 2,
      maxLength: 500,
      error: "请填写转办理由（至少 2 个字），如：注册地址在古镇镇。回复“取消”放弃。",
    },
    {
      id: "opinion",
      kind: "text",
      section: "opinion",
      clause: "A.1",
      when: { field: "decision", equals: "RETURN" },
      label: "退回意见",
      prompt: "请输入退回修改的意见（必填），如：注册资本与营业执照不一致，请核对。回复“取消”放弃。",
      minLength: 2,
      maxLength: 1000,
      error: "请填写审核意见（至少 2 个字），如：注册资本与营业执照不一致。回复“取消”放弃。",
    },
    {
      id: "reason",
      kind: "text",
      section: "opinion",
      clause: "A.1",
      when: { field: "decision", equals: "REJECT" },
      label: "不同意理由",
      prompt: "请输入不同意的理由（必填），如：不符合标准 6.1 的设立条件。回复“取消”放弃。",
      minLength: 2,
      maxLength: 1000,
      error: "请填写审核意见（至少 2 个字），如：不符合标准 6.1 的设立条件。回复“取消”放弃。",
    },
    {
      id: "fields",
      kind: "multi-choice",
      section: "opinion",
      clause: "6.3 a",
      when: { field: "decision", equals: "RETURN" },
      label: "需要修改的项目",
      prompt: "需要申请人修改哪些项目？回复序号，可多选，如 3,12；回复 0 由申请人自行核对全部内容。",
      choiceSource: "context",
      contextKey: "fields",
      // "0": no field named, the applicant checks everything (stored as []).
      none: { label: "0" },
      error: "请回复 1–{count} 之间的序号，如 3,12；或回复 0。",
    },
    {
      id: "confirmReject",
      kind: "text",
      section: "opinion",
      clause: "6.3 a",
      when: { field: "decision", equals: "REJECT" },
      label: "确认不同意",
      prompt: "不同意是最终决定，申请人将收到通知。\n理由：{{reason}}\n确认请回复“确认”，放弃请回复“取消”。",
      validator: "confirmWord",
      minLength: 1,
      error: "请回复“确认”以记录不同意，或回复“取消”放弃。",
    },
  ],
  texts: {
    done: "已记录。",
    cancelled: "已取消，本次未作决定。审批卡片仍然有效。",
    left: "已放弃填写审批意见，本次未作决定。",
    paused: "审批意见尚未填写完，已暂停。",
    resumed: "回到填写审批意见：请回复意见，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 30, cancelWords: ["取消", "cancel", "算了", "不了"], leaveOnMenuWords: true, nudges: false, restart: "replace" },
};
