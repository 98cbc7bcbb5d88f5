// 6.3 b: after the manager is designated, the manager records the studio's set-up — a fixed
// workplace (its address, a photo if possible), basic office equipment and the studio sign
// displayed, each a photo (WeCom image message: its media id is kept) or a typed note. Its
// completion records the items and submits the checklist to the city IP officer's confirm card.
// After a 退回补充 it starts again with the items that were not returned already answered.
import type { FlowDefinition } from "../src/flows/flow-schema.ts";

export const STUDIO_SETUP_FLOW = "studio-setup";

export const studioSetupFlow: FlowDefinition = {
  id: STUDIO_SETUP_FLOW,
  version: 1,
  title: "工作室建设清单",
  sections: [{ id: "setup", title: "工作室建设（6.3 b）" }],
  steps: [
    {
      id: "workplaceAddress",
      kind: "text",
      section: "setup",
      clause: "6.3 b",
      label: "固定的工作场所",
      prompt: "1/3 固定的工作场所：请发工作室办公场所的详细地址，如 中山市小榄镇工业大道 12 号 3 楼。",
      minLength: 6,
      maxLength: 200,
      error: "请发详细地址（至少 6 个字），如 中山市小榄镇工业大道 12 号 3 楼。",
    },
    {
      id: "workplacePhoto",
      kind: "media",
      section: "setup",
      clause: "6.3 b",
      label: "工作场所照片",
      prompt: "可再发一张工作场所的照片；没有请回复“跳过”。",
      optional: true,
      noteAllowed: false,
    },
    {
      id: "equipment",
      kind: "media",
      section: "setup",
      clause: "6.3 b",
      label: "基本的办公软、硬件设备",
      prompt: "2/3 基本的办公软、硬件设备：请发一张照片，或回复文字说明，如 电脑 2 台、打印机 1 台、专利检索软件。",
    },
    {
      id: "sign",
      kind: "media",
      section: "setup",
      clause: "6.3 b",
      label: "在办公场所标明工作室标志",
      prompt: "3/3 工作室标志：请发一张办公场所挂出的工作室标志（牌匾）的照片，或回复文字说明。",
    },
  ],
  texts: {
    intro: "请按标准 6.3 b 登记工作室建设情况（工作场所、办公设备、工作室标志），可发照片。登记完即提交市局知识产权科室确认。",
    done: "建设清单已提交。",
    paused: "工作室建设清单尚未填完，已暂停，已填内容都保存着。",
    resumed: "回到工作室建设清单：回复“继续”查看当前的问题。",
  },
  conversation: { restart: "replace" },
};
