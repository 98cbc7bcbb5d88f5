// 8.1 the feedback survey after a service (and the studio-wide one): three 1–5 scores, the
// recommendation 0–10 and an optional comment. Started from the invitation card (实名评价 /
// 匿名评价) or by typing 评价; the survey's id and the choice of anonymity travel in the context.
// forgetOnEnd: once it ends, the session keeps no answers (the response row holds them, and for an
// anonymous answer without the person).
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const SURVEY_FLOW = "service-survey";

export const serviceSurveyFlow: FlowDefinition = {
  id: SURVEY_FLOW,
  version: 1,
  title: "服务评价",
  sections: [{ id: "scores", title: "服务评价" }],
  steps: [
    { id: "overall", kind: "scale", section: "scores", clause: "8.1", label: "整体满意度", prompt: "1/5 您对本次服务的整体满意度如何？", min: 1, max: 5, minLabel: "很不满意", maxLabel: "非常满意" },
    { id: "timeliness", kind: "scale", section: "scores", clause: "8.1", label: "及时性", prompt: "2/5 服务是否及时？", min: 1, max: 5, minLabel: "很不及时", maxLabel: "非常及时" },
    { id: "professionalism", kind: "scale", section: "scores", clause: "8.1", label: "专业性", prompt: "3/5 服务人员是否专业？", min: 1, max: 5, minLabel: "很不专业", maxLabel: "非常专业" },
    { id: "recommend", kind: "scale", section: "scores", clause: "8.1", label: "推荐意愿", prompt: "4/5 您有多大可能向其他企业推荐本工作室？", min: 0, max: 10, minLabel: "完全不会", maxLabel: "一定会" },
    {
      id: "comment",
      kind: "text",
      section: "scores",
      clause: "8.2",
      label: "意见建议",
      prompt: "5/5 还有什么意见或建议？（您的意见会转给市局知识产权科跟进改进）",
      optional: true,
      minLength: 2,
      maxLength: 1000,
      error: "请写下您的意见（2–1000 个字），或回复“跳过”。",
    },
  ],
  texts: {
    done: "感谢您的评价！您的意见是我们改进服务的依据（8.2）。",
    cancelled: "好的，本次评价已暂停。在截止前回复“评价”可重新作答。",
    left: "已离开服务评价。在截止前回复“评价”可重新作答。",
    paused: "服务评价尚未完成，已暂停。",
    resumed: "回到服务评价：请回答当前问题。",
  },
  conversation: { lifetimeMinutes: 24 * 60, cancelWords: ["取消", "稍后", "以后再说", "cancel"], leaveOnMenuWords: true, nudges: false, restart: "replace", forgetOnEnd: true },
};
