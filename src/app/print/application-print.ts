// A.1: the filled, decided application printed as Table A.1 looks on paper (SPEC "Table A.1").
// Pure: (data) → a complete A4 HTML document. Every user-supplied string goes through esc().
// Mobile numbers are shown in full (officers need them on the form); this module never logs.
import { localParts } from "../../domain/calendar/working-days.ts";
import { studioApplicationFlow } from "../../../bot-flows/studio-application.ts";
import { STAGE_LABELS, type Stage } from "../../domain/approval/approval-machine.ts";
import { priorityFlags, shortId, STATUS_LABELS, type CardApplication } from "../approvals/approval-texts.ts";

export interface PrintApplication extends Omit<CardApplication, "townName"> {
  status: string;
  version: number;
  uscc: string | null;
  registeredAddress: string;
  registeredCapitalYuan: bigint;
  headcount: number;
  revenueYuan: bigint | null;
  headName: string;
  headTitle: string;
  headMobile: string;
  contactName: string;
  contactTitle: string;
  contactMobile: string;
  hasIpDepartment: boolean;
  ipDepartmentName: string | null;
  ipStaffCount: number;
  ipRulesYear: number | null;
  gbt29490Year: number | null;
  demoEnterprise: string;
  advantageEnterprise: string;
  highTechYear: number | null;
  patentAward: string;
  headConfirmedAt: Date | null;
  submittedAt: Date | null;
  studioNumber: string | null;
}

export interface PrintStep {
  stage: number;
  round: number;
  status: string; // PENDING | APPROVED | RETURNED | REJECTED | CANCELLED
  decidedByName: string | null;
  opinion: string | null;
  decidedAt: Date | null;
}

export interface PrintData {
  app: PrintApplication;
  townName: string;
  steps: PrintStep[];
  /** Who confirmed in chat (HEAD_IN_CHAT) and who applied (DECLARED_AUTHORITY). */
  headConfirmedByName?: string | null;
  applicantName?: string | null;
  timeZone: string;
  printedAt: Date;
  /** CSP nonce for the inline style and the print button's script; no script without it. */
  nonce?: string;
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (s: string | number | null | undefined): string => String(s ?? "").replace(/[&<>"']/g, (c) => ESC[c]!);

/** Integer yuan → 万元 without float error: 5000000n → "500", 12005000n → "1200.5". */
export function yuanToWan(yuan: bigint): string {
  const sign = yuan < 0n ? "-" : "";
  const abs = yuan < 0n ? -yuan : yuan;
  const frac = (abs % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${sign}${abs / 10_000n}${frac ? `.${frac}` : ""}`;
}

/** "2026 年 6 月 1 日" in the business time zone; blank slots when not dated. */
function ymd(d: Date | null | undefined, timeZone: string): string {
  if (!d) return "<span class=\"blank\"></span>年<span class=\"blank\"></span>月<span class=\"blank\"></span>日";
  const p = localParts(d, timeZone);
  return `${p.year} 年 ${Number(p.month)} 月 ${Number(p.day)} 日`;
}

const box = (on: boolean) => (on ? "☑" : "☐");
const year = (y: number | null) => (y ? `${esc(y)} 年` : "<span class=\"blank\"></span>年");
const levels = (json: string) => {
  const set = new Set(JSON.parse(json) as string[]);
  return `${box(set.has("national"))} 国家　${box(set.has("provincial"))} 省`;
};

function optionLabel(stepId: string, value: string): string {
  const step = studioApplicationFlow.steps.find((s) => s.id === stepId);
  const options = step && "options" in step ? (step.options ?? []) : [];
  return options.find((o) => o.value === value)?.label ?? value;
}

/** A.1 申请需求 1–7 as worded on the paper form (= 7.1 a–g). */
const NEEDS_A1: [string, string][] = [
  ["a", "支持重点企业完善知识产权管理体系建设。"],
  ["b", "支持重点企业培育布局高价值知识产权。"],
  ["c", "为重点企业提供知识产权快速维权服务。"],
  ["d", "提高重点企业知识产权海外保护能力。"],
  ["e", "加大打击侵犯企业知识产权行为的力度。"],
  ["f", "促进重点企业知识产权高效运用。"],
  ["g", "其他"],
];

const OUTCOME_LABELS: Record<string, string> = { APPROVED: "同意", RETURNED: "退回修改", REJECTED: "不同意" };
const DECIDED = new Set(Object.keys(OUTCOME_LABELS));

const th = (label: string, span = 1, extra = "") => `<th${span > 1 ? ` colspan="${span}"` : ""}${extra}>${label}</th>`;
const td = (html: string, span = 1, cls = "") => `<td${span > 1 ? ` colspan="${span}"` : ""}${cls ? ` class="${cls}"` : ""}>${html}</td>`;
/** Three label/value pairs on the 9-column grid: 1+2 / 1+2 / 1+2. */
const triple = (a: [string, string], b: [string, string], c: [string, string]) => `<tr>${th(a[0])}${td(a[1], 2)}${th(b[0])}${td(b[1], 2)}${th(c[0])}${td(c[1], 2)}</tr>`;
/** Two pairs: 1+4 / 2+2. */
const pair = (a: [string, string], b: [string, string]) => `<tr>${th(a[0])}${td(a[1], 4)}${th(b[0], 2)}${td(b[1], 2)}</tr>`;

function opinionText(step: PrintStep): string {
  const outcome = OUTCOME_LABELS[step.status] ?? "";
  const opinion = step.opinion?.trim();
  return opinion && opinion !== outcome ? `${outcome}。${esc(opinion)}` : `${outcome}。`;
}

/** A.1 opinion rows: the latest step of each stage; decided ones with who and when. */
function opinionRow(stage: Stage, step: PrintStep | undefined, data: PrintData): string {
  const decided = step && DECIDED.has(step.status) ? step : undefined;
  const text = decided ? opinionText(decided) : step?.status === "PENDING" ? "<span class=\"pending\">（审核中）</span>" : "";
  const who = decided?.decidedByName ? esc(decided.decidedByName) : "";
  const number = stage === 3 ? `<span class="no">编号：<b class="studio-no">${esc(data.app.studioNumber)}</b></span>` : "";
  const sign = stage === 3 ? `签章：<span class="who">${who}</span>` : `（签章）<span class="who">${who}</span>`;
  return `<tr class="opinion">${th(STAGE_LABELS[stage])}${td(
    `<div class="op-text">${text}</div><div class="op-sign">${number}<span>${sign}</span><span>${ymd(decided?.decidedAt, data.timeZone)}</span></div>`,
    8,
  )}</tr>`;
}

function signatureCell(data: PrintData): string {
  const { app } = data;
  if (app.headConfirmation === "HEAD_IN_CHAT") {
    const who = esc(data.headConfirmedByName ?? app.headName);
    return `<span class="who">${who}</span>（负责人在线确认${app.headConfirmedAt ? "" : "，尚未确认"}）`;
  }
  if (app.headConfirmation === "DECLARED_AUTHORITY") {
    return `（申请人${data.applicantName ? ` <span class="who">${esc(data.applicantName)}</span> ` : ""}声明已获负责人 ${esc(app.headName)} 授权代为提交）`;
  }
  return `<span class="who">${esc(app.headName)}</span>（本人提交）`;
}

/** Small print below the table: decisions of earlier rounds (returned and resubmitted). */
function history(shown: Set<PrintStep>, data: PrintData): string {
  const earlier = data.steps.filter((s) => DECIDED.has(s.status) && !shown.has(s)).sort((a, b) => a.round - b.round || a.stage - b.stage);
  if (!earlier.length) return "";
  const items = earlier.map(
    (s) => `<li>第 ${esc(s.round)} 轮 · ${STAGE_LABELS[s.stage as Stage] ?? esc(s.stage)}：${opinionText(s)}（${esc(s.decidedByName ?? "")}，${ymd(s.decidedAt, data.timeZone)}）</li>`,
  );
  return `<section class="notes"><h2>审批记录（此前轮次）</h2><ol>${items.join("")}</ol></section>`;
}

const CSS = `
@page { size: A4; margin: 15mm }
* { box-sizing: border-box }
body { margin: 0; font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 10pt; color: #000; background: #fff }
.sheet { max-width: 180mm; margin: 0 auto; padding: 8mm 0 }
.caption { text-align: center; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; margin: 0 0 1mm }
h1 { text-align: center; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 15pt; margin: 0 0 2mm }
.meta { display: flex; justify-content: space-between; font-size: 8.5pt; margin-bottom: 1.5mm }
table { width: 100%; border-collapse: collapse; table-layout: fixed }
col.label { width: 15% } col.cell { width: 10.625% }
th, td { border: 1px solid #000; padding: 1.1mm 1.2mm; vertical-align: middle; overflow-wrap: anywhere; line-height: 1.35 }
th { font-weight: normal; text-align: center }
td.num { text-align: center } td.count { text-align: center; font-size: 9.5pt }
tr { break-inside: avoid }
.sub { font-size: 8.5pt; color: #333 }
.needs td { padding: 1mm 3mm } .needs div { margin: 0.3mm 0 }
.sign { display: flex; justify-content: space-between; align-items: flex-end; min-height: 10mm }
tr.opinion td { height: 19mm; vertical-align: top }
.op-text { min-height: 9mm; white-space: pre-wrap }
.op-sign { display: flex; justify-content: flex-end; gap: 8mm }
.op-sign .no { margin-right: auto }
.who { display: inline-block; min-width: 18mm; text-align: center }
.blank { display: inline-block; width: 9mm }
.pending { color: #666 }
.notes { font-size: 8.5pt; margin-top: 2.5mm } .notes h2 { font-size: 8.5pt; margin: 0 } .notes ol { margin: 0.5mm 0 0; padding-left: 5mm }
.toolbar { text-align: center; margin: 4mm 0 }
.toolbar button { font-size: 11pt; padding: 2mm 6mm }
@media print { .no-print { display: none !important } .sheet { padding: 0; max-width: none } }
`;

/** The whole document: Table A.1 with every row of the paper form, filled and decided. */
export function renderApplicationPrint(data: PrintData): string {
  const { app, timeZone } = data;
  const nonceAttr = data.nonce ? ` nonce="${esc(data.nonce)}"` : "";
  const needs = new Set(JSON.parse(app.needs) as string[]);
  const counts: [string, number][][] = [
    [["发明专利", app.validInvention], ["实用新型专利", app.validUtility], ["国内商标", app.validTrademarkDomestic], ["版权", app.validCopyright]],
    [["PCT 专利", app.validPct], ["外观设计专利", app.validDesign], ["境外商标", app.validTrademarkOverseas], ["其他", app.validOther]],
  ];
  const countRows = counts.map((row, i) => `<tr>${i === 0 ? th("有效量<br>（件）", 1, ' rowspan="2"') : ""}${row.map(([l, n]) => td(l, 1, "count") + td(esc(n), 1, "num")).join("")}</tr>`);
  const scale = [app.revenueYuan !== null ? `上年度营业收入 ${yuanToWan(app.revenueYuan)} 万元` : "", app.isAboveScale ? "规上企业" : "非规上企业"].filter(Boolean).join("；");
  const dept = app.hasIpDepartment ? `有${app.ipDepartmentName ? `（${esc(app.ipDepartmentName)}）` : ""}` : "无";
  const needRows = NEEDS_A1.map(([k, text], i) => `<div>${box(needs.has(k))} ${i + 1}.${text}${k === "g" && needs.has("g") && app.needsOther ? `：${esc(app.needsOther)}` : ""}</div>`);

  // A.1 opinions: per stage, the latest step (highest round) fills the row. A return that
  // opened a later round, and cancelled steps, are history, not the stage's current decision.
  const current = (s: PrintStep) => s.status !== "CANCELLED" && !(s.status === "RETURNED" && s.round < app.version);
  const latest = new Map<number, PrintStep>();
  for (const s of data.steps) if (current(s) && (latest.get(s.stage)?.round ?? -1) < s.round) latest.set(s.stage, s);
  const shown = new Set([...latest.values()].filter((s) => DECIDED.has(s.status)));
  const flags = priorityFlags(app);
  const script = data.nonce ? `<script${nonceAttr}>document.getElementById("print-btn").addEventListener("click", function () { window.print(); });</script>` : "";

  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(app.enterpriseName)} · 中山市企业知识产权保护流动工作室申请表</title>
<style${nonceAttr}>${CSS}</style>
</head>
<body>
<main class="sheet">
<div class="toolbar no-print">${data.nonce ? `<button type="button" id="print-btn">打印 / 另存为 PDF</button>` : "请使用浏览器的“打印”功能（Ctrl+P）"}</div>
<p class="caption">表 A.1</p>
<h1>中山市企业知识产权保护流动工作室申请表</h1>
<div class="meta"><span>申请号 ${esc(shortId(app.id))} · ${esc(STATUS_LABELS[app.status] ?? app.status)}</span><span>打印于 ${ymd(data.printedAt, timeZone)}</span></div>
<table>
<colgroup><col class="label">${'<col class="cell">'.repeat(8)}</colgroup>
<tbody>
<tr>${th("企业名称")}${td(`${esc(app.enterpriseName)}${app.uscc ? ` <span class="sub">（统一社会信用代码 ${esc(app.uscc)}）</span>` : ""}`, 8)}</tr>
${pair(["注册地址", `${esc(app.registeredAddress)} <span class="sub">（${esc(data.townName)}）</span>`], ["上市情况", esc(optionLabel("listingStatus", app.listingStatus))])}
${triple(["注册资本<br>（万元）", esc(yuanToWan(app.registeredCapitalYuan))], ["企业人数", esc(app.headcount)], ["经营规模", esc(scale)])}
${triple(["负责人", esc(app.headName)], ["职务职称", esc(app.headTitle)], ["手机", esc(app.headMobile)])}
${triple(["联系人", esc(app.contactName)], ["职务职称", esc(app.contactTitle)], ["手机", esc(app.contactMobile)])}
${pair(["知识产权部门", dept], ["知识产权管理人员数量", `${esc(app.ipStaffCount)} 人`])}
${pair(["知识产权管理制度", year(app.ipRulesYear)], ["国家企业知识产权管理规范标准认证", year(app.gbt29490Year)])}
${pair(["知识产权示范企业", levels(app.demoEnterprise)], ["知识产权优势企业", levels(app.advantageEnterprise)])}
${pair(["国家高新技术企业", year(app.highTechYear)], ["国家、省专利奖", levels(app.patentAward)])}
${countRows.join("\n")}
<tr class="needs">${th("申请<br>需求")}${td(needRows.join(""), 8)}</tr>
<tr>${th("负责人签名")}${td(`<div class="sign"><span>${signatureCell(data)}</span><span>（签章）</span><span>${ymd(app.headConfirmedAt ?? app.submittedAt, timeZone)}</span></div>`, 8)}</tr>
${([1, 2, 3] as const).map((s) => opinionRow(s, latest.get(s), data)).join("\n")}
</tbody>
</table>
${flags ? `<p class="notes">附：重点企业情况（6.1）：${esc(flags)}</p>` : ""}
${history(shown, data)}
</main>
${script}
</body>
</html>`;
}
