// Clause 4 / 7.1 a–g / 7.2: the enterprise's manager asks the studio for a service — one of the
// seven services of 7.1, then its 7.2 sub-item, the need in words, an optional photo or file,
// and a confirmation. Every option and prompt comes from the catalogue (the standard's own
// wording), the same table the owners' cards and reports use. 7.2.3 b is offered only to
// new-generation IT and biomedicine enterprises: the industry is asked once (prefilled when the
// enterprise has one) and kept on the enterprise.
import { INDUSTRIES, SERVICE_CATEGORIES, type ServiceCategory, type ServiceSubItem } from "../src/domain/studio/service-catalogue.ts";
import type { Condition, FlowDefinition, Step } from "../src/flows/flow-schema.ts";

export const SERVICE_REQUEST_FLOW = "service-request";

/** Option values travel in button keys: the sub-item's letter ("7.2.4 b" → "b"). */
export const subItemValue = (s: ServiceSubItem) => s.code.slice(-1);
/** The step that asks the sub-item of a service, by its 7.1 letter (7.2.3 splits by industry). */
export const subItemStep = (letter: string, restricted = false) => `sub_${letter}${restricted ? "_other" : ""}`;

const FAST_INDUSTRIES = ["new_gen_it", "biomedicine"];

/**
 * A service's sub-items: a notice with the standard's full wording (cards clip long titles),
 * then the choice with the short labels.
 */
function subSteps(c: ServiceCategory, items: ServiceSubItem[], id: string, extraWhen?: Condition): Step[] {
  const when: Condition[] = [{ field: "category", equals: c.letter }, ...(extraWhen ? [extraWhen] : [])];
  const section = c.section!;
  return [
    { id: `${id}_text`, kind: "notice", section: "service", clause: section.clause, when, prompt: [`标准 ${section.clause} ${section.title}：`, ...items.map((s) => `${s.code} ${s.text}`)].join("\n") },
    {
      id,
      kind: "choice",
      section: "service",
      clause: section.clause,
      label: "具体服务",
      prompt: `请选择具体服务（${section.clause} ${section.title}）：`,
      options: items.map((s) => ({ value: subItemValue(s), label: `${s.code} ${s.label}` })),
      when,
    },
  ];
}

const subItemSteps: Step[] = SERVICE_CATEGORIES.flatMap((c): Step[] => {
  if (c.subItems.length === 0) return [];
  if (!c.subItems.some((s) => s.industries)) return subSteps(c, c.subItems, subItemStep(c.letter));
  // 7.2.3: the full list for the industries 7.2.3 b names, the rest without the restricted ones.
  return [
    ...subSteps(c, c.subItems, subItemStep(c.letter), { field: "industry", in: FAST_INDUSTRIES }),
    ...subSteps(c, c.subItems.filter((s) => !s.industries), subItemStep(c.letter, true), { field: "industry", in: INDUSTRIES.map((i) => i.code as string).filter((i) => !FAST_INDUSTRIES.includes(i)) }),
  ];
});

export const serviceRequestFlow: FlowDefinition = {
  id: SERVICE_REQUEST_FLOW,
  version: 1,
  title: "服务申请",
  sections: [{ id: "service", title: "服务需求" }],
  steps: [
    {
      id: "category",
      kind: "choice",
      section: "service",
      clause: "7.1",
      label: "服务类别",
      prompt: "请选择需要的服务（标准 7.1）：",
      options: SERVICE_CATEGORIES.map((c) => ({ value: c.letter, label: c.text })),
    },
    {
      id: "industry",
      kind: "choice",
      section: "service",
      clause: "7.2.3 b",
      when: { field: "category", equals: "c" },
      label: "所属产业",
      prompt: "贵企业属于哪个产业？（只问一次，快速预审服务主体备案只面向新一代信息技术和生物医药产业）",
      options: INDUSTRIES.map((i) => ({ value: i.code, label: i.label })),
    },
    ...subItemSteps,
    {
      id: "description",
      kind: "text",
      section: "service",
      clause: "4",
      label: "需求描述",
      prompt: "请简要描述您的需求（如涉及的产品、专利号、时间要求）：",
      minLength: 2,
      maxLength: 2000,
      error: "请用至少 2 个字描述需求，如：下月参加广交会，需排查参展产品的专利风险。",
    },
    {
      id: "attachment",
      kind: "media",
      section: "service",
      clause: "4",
      label: "附件",
      prompt: "如有相关材料，可直接发送一张照片或一个文件；没有请回复“跳过”。",
      optional: true,
      noteAllowed: false,
    },
    {
      id: "confirm",
      kind: "yes-no",
      section: "service",
      clause: "4",
      label: "确认提交",
      prompt: "提交服务申请：{{category}}？",
      yesLabel: "提交",
      noLabel: "不提交",
    },
  ],
  texts: {
    intro: "好的，我们来提交一项知识产权服务需求（随时回复“取消”放弃）。",
    done: "已记录。",
    cancelled: "已取消，本次没有提交服务申请。",
    paused: "服务申请尚未填完，已暂停。",
    resumed: "回到服务申请：回复“继续”查看当前问题，或回复“取消”放弃。",
  },
  conversation: { lifetimeMinutes: 120, cancelWords: ["取消", "cancel", "算了"], restart: "replace", nudges: false },
};
