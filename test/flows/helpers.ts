// Shared fixtures: the 23 towns, a context per capability, and a driver that saves and reloads
// the state as JSON between every step (as the app does, simulating a restart each time).
import { expect } from "vitest";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import { FlowStateSchema, startFlow, step, type FlowCommand, type FlowContext, type FlowState, type StartOptions } from "../../src/flows/engine.ts";
import type { Answers, FlowDefinition } from "../../src/flows/flow-schema.ts";

const TOWN_NAMES = ["石岐", "东区", "西区", "南区", "五桂山", "中山港", "民众", "南朗", "黄圃", "南头", "东凤", "阜沙", "小榄", "古镇", "横栏", "三角", "港口", "大涌", "沙溪", "三乡", "板芙", "神湾", "坦洲"];
export const TOWNS = TOWN_NAMES.map((name, i) => ({ id: `town-${i + 1}`, name }));
export const townId = (name: string) => TOWNS.find((t) => t.name === name)!.id;

export const HELP = "市局知识产权科 0760-88888888";
export const NOW = new Date("2025-06-01T10:00:00+08:00");

export function makeCtx(buttons = false, maxButtons = 6): FlowContext {
  return { now: NOW, capabilities: { buttons, maxButtons }, towns: TOWNS, helpContact: HELP };
}

export function texts(replies: OutboundMessage[]): string[] {
  return replies.map((m) => (m.kind === "text" ? m.text : m.kind === "card" ? `[card] ${m.card.title}` : m.kind));
}

export function cards(replies: OutboundMessage[]) {
  return replies.flatMap((m) => (m.kind === "card" ? [m.card] : []));
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

export class Driver {
  state: FlowState;
  replies: OutboundMessage[];
  commands: FlowCommand[] = [];
  constructor(
    readonly flow: FlowDefinition,
    readonly ctx: FlowContext,
    opts?: StartOptions,
  ) {
    const r = startFlow(flow, ctx, opts);
    this.state = this.roundTrip(r.state);
    this.replies = r.replies;
  }
  private roundTrip(state: FlowState): FlowState {
    const json = JSON.stringify(state);
    const back = JSON.parse(json) as FlowState;
    expect(FlowStateSchema.parse(back)).toEqual(back);
    // Frozen: step() must not mutate the state it is given.
    return deepFreeze(back);
  }
  private apply(input: Parameters<typeof step>[2]): this {
    const r = step(this.flow, this.state, input, this.ctx);
    this.state = this.roundTrip(r.state);
    this.replies = r.replies;
    this.commands = r.commands;
    return this;
  }
  send(text: string): this {
    return this.apply({ kind: "text", text });
  }
  press(key: string): this {
    return this.apply({ kind: "button", key });
  }
  /** All reply texts joined (cards as "[card] title"). */
  get out(): string {
    return texts(this.replies).join("\n---\n");
  }
  get lastText(): string {
    const t = texts(this.replies);
    return t[t.length - 1] ?? "";
  }
}

/** Typed input and the value it must be stored as, for the whole studio application (A.1). */
export const HAPPY: [field: string, typed: string, stored: Answers[string]][] = [
  ["enterpriseName", "中山市某某(中国)科技有限公司", "中山市某某（中国）科技有限公司"],
  ["uscc", "9135 0100 m000 100y43", "91350100M000100Y43"],
  ["registeredAddress", "中山市小榄镇升平路１号", "中山市小榄镇升平路1号"],
  ["townId", "是", townId("小榄")],
  ["listingStatus", "2", "main-board"],
  ["registeredCapitalWan", "500万元", 500],
  ["headcount", "１２０人", 120],
  ["revenueWan", "1,200.5", 1200.5],
  ["isAboveScale", "否", false],
  ["specialisedLevel", "小巨人", "little-giant"],
  ["isLeadingReserve", "YES", true],
  ["isIpKeyProtection", "no", false],
  ["headName", "张三", "张三"],
  ["headTitle", "总经理", "总经理"],
  ["headMobile", "+86 138-0013-8000", "13800138000"],
  ["contactSameAsHead", "不是", false],
  ["contactName", "李四", "李四"],
  ["contactTitle", "知识产权专员", "知识产权专员"],
  ["contactMobile", "139 1234 5678", "13912345678"],
  ["hasIpDepartment", "有", true],
  ["ipDepartmentName", "知识产权部", "知识产权部"],
  ["ipStaffCount", "3人", 3],
  ["ipRulesYear", "2018年", 2018],
  ["gbt29490Year", "跳过", null],
  ["demoEnterprise", "12", ["national", "provincial"]],
  ["advantageEnterprise", "无", []],
  ["highTechYear", "２０２２", 2022],
  ["patentAward", "省级", ["provincial"]],
  ["validInvention", "12", 12],
  ["validUtility", "30件", 30],
  ["validDesign", "5", 5],
  ["validPct", "1", 1],
  ["validTrademarkDomestic", "8", 8],
  ["validTrademarkOverseas", "没有", 0],
  ["validCopyright", "2", 2],
  ["validOther", "0", 0],
  ["needs", "1、3、7", ["a", "c", "g"]],
  ["needsOther", "商标海外注册咨询", "商标海外注册咨询"],
  ["isHeadSelf", "是", true],
];

export const HAPPY_ANSWERS: Answers = Object.fromEntries(HAPPY.map(([f, , v]) => [f, v]));

/** Prefill every answer before `field` so the flow starts right at it. */
export function startAt(flow: FlowDefinition, field: string, ctx = makeCtx(), extra: Answers = {}): Driver {
  const i = HAPPY.findIndex(([f]) => f === field);
  const prefill = { ...Object.fromEntries(HAPPY.slice(0, i).map(([f, , v]) => [f, v])), ...extra };
  return new Driver(flow, ctx, { prefill });
}
