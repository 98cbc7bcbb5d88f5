// 6.4 a–c in chat (工作室成员): an officer or admin who keeps a studio's roster adds a member (a
// person of the directory by mobile or name, the side, full- or part-time, education for agency
// staff) or removes one. Its completion calls addMember / removeMember, which refuse a full-time
// agency seat below bachelor's (6.4 c) with the reason. A short dialog, like the approval opinion.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const STUDIO_ROSTER_FLOW = "studio-roster";

export const studioRosterFlow: FlowDefinition = {
  id: STUDIO_ROSTER_FLOW,
  version: 1,
  title: "工作室成员",
  sections: [{ id: "roster", title: "工作室成员" }],
  steps: [
    {
      id: "action",
      kind: "choice",
      section: "roster",
      clause: "6.4 a",
      label: "操作",
      prompt: "要添加还是移除成员？回复“取消”结束。",
      options: [
        { value: "ADD", label: "添加成员" },
        { value: "REMOVE", label: "移除成员" },
      ],
    },
    {
      id: "person",
      kind: "text",
      section: "roster",
      clause: "6.4 a",
      when: { field: "action", equals: "ADD" },
      label: "人员",
      prompt: "请输入要添加人员的手机号或姓名（须已在系统登记），如 13800000041 或 刘洋。",
      minLength: 2,
      maxLength: 40,
    },
    {
      id: "side",
      kind: "choice",
      section: "roster",
      clause: "6.4 a",
      when: { field: "action", equals: "ADD" },
      label: "所属方",
      prompt: "该人员来自哪一方？",
      options: [
        { value: "CITY_IP", label: "市局知识产权相关科室" },
        { value: "TOWN", label: "镇街市场监督管理分局" },
        { value: "AGENCY", label: "知识产权服务机构" },
        { value: "ENTERPRISE", label: "企业" },
      ],
    },
    {
      id: "employment",
      kind: "choice",
      section: "roster",
      clause: "6.4 a",
      when: { field: "action", equals: "ADD" },
      label: "专职或兼职",
      prompt: "专职还是兼职？",
      options: [
        { value: "FULL_TIME", label: "专职" },
        { value: "PART_TIME", label: "兼职" },
      ],
    },
    {
      id: "education",
      kind: "choice",
      section: "roster",
      clause: "6.4 c",
      when: [
        { field: "action", equals: "ADD" },
        { field: "side", equals: "AGENCY" },
      ],
      label: "学历",
      prompt: "服务机构人员的学历？（专职人员须本科以上，6.4 c）",
      options: [
        { value: "college", label: "大专" },
        { value: "bachelor", label: "本科" },
        { value: "master", label: "硕士" },
        { value: "doctor", label: "博士" },
        { value: "other", label: "其他" },
      ],
    },
    {
      id: "member",
      kind: "choice",
      section: "roster",
      clause: "6.4 a",
      when: { field: "action", equals: "REMOVE" },
      label: "要移除的成员",
      prompt: "移除哪一位？请回复序号。",
      choiceSource: "context",
      contextKey: "members",
    },
  ],
  texts: {
    done: "已处理。",
    cancelled: "已结束，成员名单未改动。",
    left: "已结束，成员名单未改动。",
    paused: "工作室成员的修改尚未完成，已暂停。",
    resumed: "回到修改工作室成员：回复“继续”查看当前的问题，或回复“取消”结束。",
  },
  conversation: { lifetimeMinutes: 30, cancelWords: ["取消", "cancel", "算了", "结束"], leaveOnMenuWords: true, nudges: false, restart: "replace" },
};
