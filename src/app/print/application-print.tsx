// A.1: the filled, decided application printed as Table A.1 looks on paper (SPEC "Table A.1").
// Pure: (data) → a complete A4 HTML document, written with hono/jsx (every value is escaped by
// JSX; only the fixed CSS and the print button's script are raw). One A4 page: the three opinion
// boxes leave room for a signature and a 42 mm seal. Mobile numbers are shown in full (officers
// need them on the form); this module never logs.
import type { Child, FC } from "hono/jsx";
import { STAGE_LABELS, type Stage } from "../../domain/approval/approval-machine.ts";
import { localParts } from "../../domain/calendar/working-days.ts";
import { approvalWords } from "../approvals/approval-history.ts";
import { LISTING_LABELS, priorityFlags, shortId, STATUS_LABELS, type CardApplication } from "../approvals/approval-texts.ts";

export interface PrintApplication extends Omit<CardApplication, "townName"> {
  status: string;
  version: number;
  uscc: string | null;
  registeredCapitalYuan: bigint;
  headcount: number;
  revenueYuan: bigint | null;
  headName: string;
  headTitle: string;
  headMobile: string;
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
  status: string; // PENDING | APPROVED | RETURNED | REJECTED | CANCELLED | FORWARDED
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

/** Integer yuan → 万元 without float error: 5000000n → "500", 12005000n → "1200.5". */
export function yuanToWan(yuan: bigint): string {
  const sign = yuan < 0n ? "-" : "";
  const abs = yuan < 0n ? -yuan : yuan;
  const frac = (abs % 10_000n).toString().padStart(4, "0").replace(/0+$/, "");
  return `${sign}${abs / 10_000n}${frac ? `.${frac}` : ""}`;
}

/** A number, a mobile, a code: never broken across lines, on paper or on a phone. */
const Nw: FC<{ children?: Child }> = ({ children }) => <span class="nw">{children}</span>;
const Blank = () => <span class="blank"></span>;

/** "2026 年 6 月 1 日" in the business time zone; blank slots when not dated. */
function Ymd({ d, timeZone }: { d: Date | null | undefined; timeZone: string }) {
  if (!d) {
    return (
      <>
        <Blank />年<Blank />月<Blank />日
      </>
    );
  }
  const p = localParts(d, timeZone);
  return <Nw>{`${p.year} 年 ${Number(p.month)} 月 ${Number(p.day)} 日`}</Nw>;
}

const box = (on: boolean) => (on ? "☑" : "☐");
const Year = ({ y }: { y: number | null }) => (y ? <Nw>{`${y} 年`}</Nw> : <><Blank />年</>);
const levels = (json: string) => {
  const set = new Set(JSON.parse(json) as string[]);
  return `${box(set.has("national"))} 国家　${box(set.has("provincial"))} 省`;
};

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

const DECIDED = new Set(["APPROVED", "RETURNED", "REJECTED"]);

/** "同意推荐", "退回修改。请补充…", "不同意。…" — an approval without words is just 同意. */
export function opinionText(step: PrintStep): string {
  const opinion = step.opinion?.trim() ?? "";
  if (step.status === "APPROVED") return approvalWords(opinion);
  const outcome = step.status === "RETURNED" ? "退回修改" : step.status === "REJECTED" ? "不同意" : "";
  return opinion && opinion !== outcome ? `${outcome}。${opinion}` : `${outcome}。`;
}

type Cell = [label: Child, value: Child];
/** Three label/value pairs on the 9-column grid: 1+2 / 1+2 / 1+2. */
const Triple = ({ a, b, c }: { a: Cell; b: Cell; c: Cell }) => (
  <tr>
    <th>{a[0]}</th>
    <td colspan={2}>{a[1]}</td>
    <th>{b[0]}</th>
    <td colspan={2}>{b[1]}</td>
    <th>{c[0]}</th>
    <td colspan={2}>{c[1]}</td>
  </tr>
);
/** Two pairs: 1+4 / 2+2. */
const Pair = ({ a, b }: { a: Cell; b: Cell }) => (
  <tr>
    <th>{a[0]}</th>
    <td colspan={4}>{a[1]}</td>
    <th colspan={2}>{b[0]}</th>
    <td colspan={2}>{b[1]}</td>
  </tr>
);

/** A.1 opinion rows: the latest step of each stage; decided ones with who and when; room for the seal. */
function OpinionRow({ stage, step, data }: { stage: Stage; step: PrintStep | undefined; data: PrintData }) {
  const decided = step && DECIDED.has(step.status) ? step : undefined;
  const who = decided?.decidedByName ?? "";
  return (
    <tr class="opinion">
      <th>{STAGE_LABELS[stage]}</th>
      <td colspan={8}>
        <div class="op-box">
          <div class="op-text">{decided ? opinionText(decided) : step?.status === "PENDING" ? <span class="pending">（审核中）</span> : ""}</div>
          <div class="op-sign">
            {stage === 3 ? (
              <span class="no">
                编号：<b class="studio-no nw">{data.app.studioNumber ?? ""}</b>
              </span>
            ) : null}
            <span>
              {stage === 3 ? "签章：" : "（签章）"}
              <span class="who">{who}</span>
            </span>
            <span>
              <Ymd d={decided?.decidedAt} timeZone={data.timeZone} />
            </span>
          </div>
        </div>
      </td>
    </tr>
  );
}

function Signature({ data }: { data: PrintData }) {
  const { app } = data;
  if (app.headConfirmation === "HEAD_IN_CHAT") {
    return (
      <>
        <span class="who">{data.headConfirmedByName ?? app.headName}</span>（负责人在线确认{app.headConfirmedAt ? "" : "，尚未确认"}）
      </>
    );
  }
  if (app.headConfirmation === "DECLARED_AUTHORITY") {
    return (
      <>
        （申请人{data.applicantName ? <> <span class="who">{data.applicantName}</span> </> : ""}声明已获负责人 {app.headName} 授权代为提交）
      </>
    );
  }
  return (
    <>
      <span class="who">{app.headName}</span>（本人提交）
    </>
  );
}

/** Small print below the table: decisions of earlier rounds (returned and resubmitted) and forwards. */
function History({ shown, data }: { shown: Set<PrintStep>; data: PrintData }) {
  const earlier = data.steps.filter((s) => (DECIDED.has(s.status) && !shown.has(s)) || s.status === "FORWARDED").sort((a, b) => a.round - b.round || a.stage - b.stage);
  if (!earlier.length) return null;
  return (
    <section class="notes">
      <h2>审批记录（此前轮次）</h2>
      <ol>
        {earlier.map((s) => (
          <li>
            {`第 ${s.round} 轮 · `}
            {s.status === "FORWARDED" ? `转其他镇街：${s.opinion ?? ""}` : `${STAGE_LABELS[s.stage as Stage] ?? s.stage}：${opinionText(s)}`}（{s.decidedByName ?? ""}，<Ymd d={s.decidedAt} timeZone={data.timeZone} />）
          </li>
        ))}
      </ol>
    </section>
  );
}

// Heights on A4 (297 mm − 2 × 8 mm margins = 281 mm): header ≈ 13 mm, the data rows ≈ 95 mm,
// 申请需求 in two columns ≈ 18 mm, three opinion boxes of 45 mm (a signature and a 42 mm seal)
// = 141 mm with their borders, and small print below. test/browser/print-a4.browser.test.ts checks
// it in Chromium's PDF with every field at its longest plausible value.
const CSS = `
@page { size: A4; margin: 8mm 15mm }
* { box-sizing: border-box }
body { margin: 0; font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", serif; font-size: 9pt; color: #000; background: #fff }
.sheet { max-width: 180mm; margin: 0 auto; padding: 6mm 0 }
.caption { text-align: center; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 9pt; margin: 0; line-height: 1.2 }
h1 { text-align: center; font-family: "SimHei", "Heiti SC", "Noto Sans CJK SC", sans-serif; font-size: 13.5pt; margin: 0 0 1mm; line-height: 1.25 }
.meta { display: flex; justify-content: space-between; font-size: 8pt; margin-bottom: 1mm }
.scroll { overflow-x: auto }
table { width: 100%; border-collapse: collapse; table-layout: fixed }
col.label { width: 15% } col.cell { width: 10.625% }
th, td { border: 1px solid #000; padding: 0.6mm 1mm; vertical-align: middle; overflow-wrap: anywhere; line-height: 1.25 }
th { font-weight: normal; text-align: center; font-size: 8pt }
td.num { text-align: center } td.count { text-align: center; font-size: 8pt; padding: 0.6mm 0.4mm }
.nw, td.num, .studio-no { white-space: nowrap; overflow-wrap: normal; word-break: keep-all }
tr { break-inside: avoid }
.sub { font-size: 8pt; color: #333 }
.needs td { padding: 0.6mm 2mm } .needs .cols { column-count: 2; column-gap: 4mm } .needs .cols div { margin: 0.1mm 0; break-inside: avoid }
.sign { display: flex; justify-content: space-between; align-items: flex-end; min-height: 6.5mm }
tr.opinion td { vertical-align: top; padding: 0.8mm 1.5mm }
.op-box { min-height: 45mm; display: flex; flex-direction: column; justify-content: space-between }
.op-text { white-space: pre-wrap }
.op-sign { display: flex; justify-content: flex-end; align-items: flex-end; gap: 8mm; padding-bottom: 1mm }
.op-sign .no { margin-right: auto }
.who { display: inline-block; min-width: 18mm; text-align: center }
.blank { display: inline-block; width: 9mm }
.pending { color: #666 }
.notes { font-size: 7.5pt; margin: 1mm 0 0 } .notes h2 { font-size: 7.5pt; margin: 0; display: inline } .notes ol { margin: 0; padding-left: 5mm }
.toolbar { text-align: center; margin: 3mm 0 }
.toolbar button { font-size: 11pt; padding: 2mm 6mm }
@media screen and (max-width: 640px) { body { font-size: 8pt } .sheet { padding: 2mm } th, td { padding: 0.6mm } th, td.count { font-size: 7.5pt } .who { min-width: 12mm } .op-sign { gap: 3mm } .needs .cols { column-count: 1 } }
@media print { .no-print { display: none !important } .sheet { padding: 0; max-width: none } }
`;

function Form({ data }: { data: PrintData }) {
  const { app, timeZone } = data;
  const needs = new Set(JSON.parse(app.needs) as string[]);
  const counts: [string, number][][] = [
    [["发明专利", app.validInvention], ["实用新型专利", app.validUtility], ["国内商标", app.validTrademarkDomestic], ["版权", app.validCopyright]],
    [["PCT 专利", app.validPct], ["外观设计专利", app.validDesign], ["境外商标", app.validTrademarkOverseas], ["其他", app.validOther]],
  ];
  const scale = [app.revenueYuan !== null ? `上年度营业收入 ${yuanToWan(app.revenueYuan)} 万元` : "", app.isAboveScale ? "规上企业" : "非规上企业"].filter(Boolean).join("；");
  // A.1 opinions: per stage, the latest step (highest round) fills the row. A return that
  // opened a later round, cancelled and forwarded steps are history, not the stage's decision.
  const current = (s: PrintStep) => s.status !== "CANCELLED" && s.status !== "FORWARDED" && !(s.status === "RETURNED" && s.round < app.version);
  const latest = new Map<number, PrintStep>();
  for (const s of data.steps) if (current(s) && (latest.get(s.stage)?.round ?? -1) < s.round) latest.set(s.stage, s);
  const shown = new Set([...latest.values()].filter((s) => DECIDED.has(s.status)));
  const flags = priorityFlags(app);
  return (
    <main class="sheet">
      <div class="toolbar no-print">{data.nonce ? <button type="button" id="print-btn">打印 / 另存为 PDF</button> : "请使用浏览器的“打印”功能（Ctrl+P）"}</div>
      <p class="caption">表 A.1</p>
      <h1>中山市企业知识产权保护流动工作室申请表</h1>
      <div class="meta">
        <span>
          申请号 <Nw>{shortId(app.id)}</Nw> · {STATUS_LABELS[app.status] ?? app.status}
        </span>
        <span>
          打印于 <Ymd d={data.printedAt} timeZone={timeZone} />
        </span>
      </div>
      <div class="scroll">
        <table>
          <colgroup>
            <col class="label" />
            {Array.from({ length: 8 }, () => <col class="cell" />)}
          </colgroup>
          <tbody>
            <tr>
              <th>企业名称</th>
              <td colspan={8}>
                {app.enterpriseName}
                {app.uscc ? <span class="sub">（统一社会信用代码 <Nw>{app.uscc}</Nw>）</span> : null}
              </td>
            </tr>
            <Pair a={["注册地址", <>{app.registeredAddress} <span class="sub">（{data.townName}）</span></>]} b={["上市情况", LISTING_LABELS[app.listingStatus] || "未上市"]} />
            <Triple a={[<>注册资本<br />（万元）</>, <Nw>{yuanToWan(app.registeredCapitalYuan)}</Nw>]} b={["企业人数", <Nw>{app.headcount}</Nw>]} c={["经营规模", scale]} />
            <Triple a={["负责人", app.headName]} b={["职务职称", app.headTitle]} c={["手机", <Nw>{app.headMobile}</Nw>]} />
            <Triple a={["联系人", app.contactName]} b={["职务职称", app.contactTitle]} c={["手机", <Nw>{app.contactMobile}</Nw>]} />
            <Pair a={["知识产权部门", app.hasIpDepartment ? `有${app.ipDepartmentName ? `（${app.ipDepartmentName}）` : ""}` : "无"]} b={["知识产权管理人员数量", <Nw>{`${app.ipStaffCount} 人`}</Nw>]} />
            <Pair a={["知识产权管理制度", <Year y={app.ipRulesYear} />]} b={["国家企业知识产权管理规范标准认证", <Year y={app.gbt29490Year} />]} />
            <Pair a={["知识产权示范企业", levels(app.demoEnterprise)]} b={["知识产权优势企业", levels(app.advantageEnterprise)]} />
            <Pair a={["国家高新技术企业", <Year y={app.highTechYear} />]} b={["国家、省专利奖", levels(app.patentAward)]} />
            {counts.map((row, i) => (
              <tr>
                {i === 0 ? (
                  <th rowspan={2}>
                    有效量<br />（件）
                  </th>
                ) : null}
                {row.map(([l, n]) => (
                  <>
                    <td class="count">{l}</td>
                    <td class="num">{n}</td>
                  </>
                ))}
              </tr>
            ))}
            <tr class="needs">
              <th>
                申请<br />需求
              </th>
              <td colspan={8}>
                <div class="cols">
                  {NEEDS_A1.map(([k, text], i) => (
                    <div>
                      {`${box(needs.has(k))} ${i + 1}.${text}`}
                      {k === "g" && needs.has("g") && app.needsOther ? `：${app.needsOther}` : ""}
                    </div>
                  ))}
                </div>
              </td>
            </tr>
            <tr>
              <th>负责人签名</th>
              <td colspan={8}>
                <div class="sign">
                  <span>
                    <Signature data={data} />
                  </span>
                  <span>（签章）</span>
                  <span>
                    <Ymd d={app.headConfirmedAt ?? app.submittedAt} timeZone={timeZone} />
                  </span>
                </div>
              </td>
            </tr>
            {([1, 2, 3] as const).map((s) => (
              <OpinionRow stage={s} step={latest.get(s)} data={data} />
            ))}
          </tbody>
        </table>
      </div>
      {flags ? <p class="notes">附：重点企业情况（6.1）：{flags}</p> : null}
      <History shown={shown} data={data} />
    </main>
  );
}

/** The whole document: Table A.1 with every row of the paper form, filled and decided. */
export function renderApplicationPrint(data: PrintData): string {
  const { app } = data;
  const page = (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${app.enterpriseName} · 中山市企业知识产权保护流动工作室申请表`}</title>
        <style nonce={data.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <Form data={data} />
        {data.nonce ? <script nonce={data.nonce} dangerouslySetInnerHTML={{ __html: `document.getElementById("print-btn").addEventListener("click", function () { window.print(); });` }} /> : null}
      </body>
    </html>
  );
  return `<!doctype html>\n${String(page)}`;
}
