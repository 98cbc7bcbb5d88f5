import type ExcelJS from "exceljs";

/** exceljs is loaded when a sheet is first read or written, not at start-up (memory of an idle process). */
const excel = async () => (await import("exceljs")).default;
import { serviceCategory } from "../../domain/studio/service-catalogue.ts";
import type { ResponseRow } from "../../storage/survey-report-store.ts";
import { requestNo } from "../service-requests/service-texts.ts";

// 8.2 exports of survey answers, one row per answer. 8.1: an anonymous answer shows 匿名 and
// nothing else about its person (the store never looks the person up).

export const ANONYMOUS = "匿名";
const HEADERS = ["问卷编号", "类型", "工作室编号", "企业", "涵盖服务", "答复日期", "总体满意度(1-5)", "及时性(1-5)", "专业性(1-5)", "推荐意愿(0-10)", "意见", "答复人"];
const KIND_LABELS: Record<string, string> = { SERVICE: "服务评价", STUDIO: "工作室整体评价" };

/** "ABC123 a 管理体系建设；DEF456 c 快速维权" (the request numbers of chat, 7.1 letters and labels). */
// 8.1: an anonymous answer's survey and request numbers would lead back to the requester who was
// asked: it shows the service types only.
const servicesText = (r: ResponseRow) => r.services.map((s) => `${r.anonymous ? "" : `${requestNo(s.id)} `}${s.category} ${serviceCategory(s.category)?.label ?? ""}`.trim()).join("；");

function cells(r: ResponseRow): (string | number)[] {
  return [r.anonymous ? ANONYMOUS : r.surveyId, KIND_LABELS[r.kind] ?? r.kind, r.studioNumber, r.enterprise, servicesText(r), r.answeredOn, r.overall, r.timeliness, r.professionalism, r.recommend, r.comment ?? "", r.anonymous ? ANONYMOUS : (r.respondentName ?? "")];
}

/** Spreadsheets run a cell starting with = + - @ (or tab, CR) as a formula: an apostrophe keeps it text. */
export function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvField(v: string | number): string {
  if (typeof v === "number") return String(v);
  const s = defuse(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 (CRLF, quoted where needed) with a UTF-8 BOM, so Excel reads the Chinese right. */
export function responsesCsv(rows: ResponseRow[]): string {
  return `\uFEFF${[HEADERS, ...rows.map(cells)].map((line) => line.map(csvField).join(",")).join("\r\n")}\r\n`;
}

export async function responsesXlsx(rows: ResponseRow[], title: string): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  const ws = wb.addWorksheet("答复");
  ws.columns = HEADERS.map((header, i) => ({ header, width: [26, 14, 18, 28, 36, 12, 14, 12, 12, 14, 40, 12][i] }));
  ws.getRow(1).font = { bold: true };
  // Values are written as text or numbers, never formulas: a leading = is inert here.
  for (const r of rows) ws.addRow(cells(r));
  ws.views = [{ state: "frozen", ySplit: 1 }];
  wb.title = title;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
