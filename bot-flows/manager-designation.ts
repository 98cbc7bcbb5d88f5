// 6.4 b: on final approval the applicant confirms who the studio's manager (工作室管理者) is —
// themself, or another of the enterprise's people named by mobile — and states the three facts
// of 6.4 b about that person. Its completion designates the manager (designateManager); a fact
// answered "否" is recorded and flagged by the roster, not refused.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const MANAGER_DESIGNATION_FLOW = "manager-designation";

export const managerDesignationFlow: FlowDefinition = {
  id: MANAGER_DESIGNATION_FLOW,
  version: 1,
  title: "指定工作室管理者",
  sections: [{ id: "manager", title: "工作室管理者" }],
  steps: [
    {
      id: "who",
      kind: "choice",
      section: "manager",
      clause: "6.4 b",
      label: "工作室管理者",
      prompt: "请确认工作室管理者（企业方专职人员，由企业管理层中指定专人担任）：",
      options: [
        { value: "SELF", label: "由我本人担任" },
        { value: "OTHER", label: "指定本企业其他人员" },
      ],
    },
    {
      id: "mobile",
      kind: "mobile",
      section: "manager",
      clause: "6.4 b",
      when: { field: "who", equals: "OTHER" },
      label: "管理者手机号",
      prompt: "请输入工作室管理者的手机号（须为本企业已在系统登记的人员），如 13800000001。",
    },
    {
      id: "inManagement",
      kind: "yes-no",
      section: "manager",
      clause: "6.4 b",
      label: "企业管理层成员",
      prompt: "工作室管理者是否为企业管理层成员？请回复“是”或“否”。",
    },
    {
      id: "techMgmtExperience",
      kind: "yes-no",
      section: "manager",
      clause: "6.4 b",
      label: "企业技术管理经验",
      prompt: "工作室管理者是否具备企业技术管理经验？请回复“是”或“否”。",
    },
    {
      id: "ipKnowledge",
      kind: "yes-no",
      section: "manager",
      clause: "6.4 b",
      label: "知识产权相关知识储备",
      prompt: "工作室管理者是否具备知识产权相关知识储备？请回复“是”或“否”。",
    },
  ],
  texts: {
    intro: "工作室已获批准。按标准 6.4 b，企业须从管理层中指定专人作为工作室管理者，请确认以下几项（共 4–5 个问题）。",
    done: "已记录工作室管理者。",
    paused: "指定工作室管理者尚未完成，已暂停。",
    resumed: "回到指定工作室管理者：回复“继续”查看当前的问题。",
  },
  conversation: { restart: "replace" },
};
