// The register's spreadsheet: the downloadable template (XLSX: the entry sheet with the header
// row, and a sheet of instructions with one example per kind) and reading an upload back, XLSX or
// the same columns as CSV, into rows numbered as the person sees them in their spreadsheet.
import type ExcelJS from "exceljs";

/** exceljs is loaded when a sheet is first read or written, not at start-up (memory of an idle process). */
const excel = async () => (await import("exceljs")).default;
import { ValidationError } from "../../domain/errors.ts";
import { ASSET_KIND_LABELS, ASSET_KINDS } from "../../domain/ip/ip-types.ts";
import { COLUMNS, EXAMPLES, HEADERS, KIND_FIELDS, KIND_HEADER, columnOf } from "./asset-fields.ts";

export const ENTRY_SHEET = "登记表";
export const MAX_ROWS = 5000;

/** One data row: its number in the sheet (header = 1) and its cells by header. */
export interface SheetRow {
  row: number;
  cells: Map<string, string>;
}

export async function templateXlsx(): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  const ws = wb.addWorksheet(ENTRY_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = HEADERS.map((header) => ({ header, width: header === "名称" || header === "保险公司" ? 28 : 16 }));
  ws.getRow(1).font = { bold: true };
  // Text format for every column, so numbers like 202110123456.7 keep their digits.
  for (let i = 1; i <= HEADERS.length; i++) ws.getColumn(i).numFmt = "@";
  const kindList = `"${ASSET_KINDS.map((k) => ASSET_KIND_LABELS[k]).join(",")}"`;
  for (let r = 2; r <= 501; r++) ws.getCell(r, 1).dataValidation = { type: "list", allowBlank: true, formulae: [kindList] };

  const help = wb.addWorksheet("填写说明");
  help.columns = [{ width: 22 }, { width: 90 }];
  help.addRow(["填写说明", "每行一项知识产权，填在“登记表”里。第一列“类型”填下表中的类型名称；其余各列只填该类型需要的，不适用的留空。日期写作 2021-06-01。同一编号（展会：名称 + 开始日期）再次导入会更新原记录，内容相同则不变。"]);
  help.addRow([]);
  help.addRow(["列", "填写内容"]).font = { bold: true };
  help.addRow([KIND_HEADER, ASSET_KINDS.map((k) => ASSET_KIND_LABELS[k]).join("、")]);
  for (const c of COLUMNS) help.addRow([c.header, c.note]);
  help.addRow([]);
  help.addRow(["类型", "必填 / 选填"]).font = { bold: true };
  for (const k of ASSET_KINDS) {
    const f = KIND_FIELDS[k];
    help.addRow([ASSET_KIND_LABELS[k], `必填：${f.required.map((x) => columnOf(x).header).join("、")}${f.optional.length ? `；选填：${f.optional.map((x) => columnOf(x).header).join("、")}` : ""}`]);
  }
  help.addRow([]);
  help.addRow(["示例（与登记表同列）"]).font = { bold: true };
  help.addRow(HEADERS).font = { bold: true };
  for (const k of ASSET_KINDS) help.addRow([ASSET_KIND_LABELS[k], ...COLUMNS.map((c) => EXAMPLES[k]?.[c.field] ?? "")]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** XLSX files are zip archives: "PK\x03\x04". */
export const isXlsx = (bytes: Uint8Array) => bytes.length > 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** The upload's rows, XLSX (sniffed) or CSV (UTF-8, BOM or not). 400 for anything unreadable. */
export async function readAssetSheet(bytes: Uint8Array): Promise<SheetRow[]> {
  const grid = isXlsx(bytes) ? await xlsxGrid(bytes) : csvGrid(bytes);
  const headerAt = grid.findIndex((r) => r.cells.some((c) => c.trim()));
  if (headerAt < 0) throw new ValidationError("文件是空的：请用模板（GET /ip-assets/template.xlsx）填写");
  const header = grid[headerAt]!.cells.map((h) => h.normalize("NFKC").trim());
  if (!header.includes(KIND_HEADER)) throw new ValidationError(`第 ${grid[headerAt]!.row} 行应为表头，且有“${KIND_HEADER}”列：${HEADERS.join("、")}`);
  const rows: SheetRow[] = [];
  for (const r of grid.slice(headerAt + 1)) {
    if (!r.cells.some((c) => c.trim())) continue;
    const cells = new Map<string, string>();
    header.forEach((h, i) => h && cells.set(h, r.cells[i] ?? ""));
    rows.push({ row: r.row, cells });
  }
  if (rows.length > MAX_ROWS) throw new ValidationError(`一次最多导入 ${MAX_ROWS} 行（文件有 ${rows.length} 行）：请分批导入`);
  return rows;
}

type Grid = { row: number; cells: string[] }[];

async function xlsxGrid(bytes: Uint8Array): Promise<Grid> {
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  } catch {
    throw new ValidationError("无法读取这个 XLSX 文件：请用模板填写后另存为 .xlsx");
  }
  const ws = wb.getWorksheet(ENTRY_SHEET) ?? wb.worksheets[0];
  if (!ws) throw new ValidationError("XLSX 文件里没有工作表");
  const grid: Grid = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    const cells: string[] = [];
    for (let i = 1; i <= Math.max(row.cellCount, HEADERS.length); i++) cells.push(cellText(row.getCell(i).value));
    grid.push({ row: n, cells });
  });
  return grid;
}

/** A cell as text: a formula's computed result (never the formula), a date as YYYY-MM-DD. */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  if (typeof v === "object") {
    if ("formula" in v || "sharedFormula" in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("text" in v) return String(v.text);
    if ("error" in v) return "";
    return "";
  }
  return String(v);
}

/** RFC 4180: quoted fields with "" for a quote and line breaks inside quotes; CRLF or LF. Rows are records (a spreadsheet's rows). */
export function parseCsv(text: string): Grid {
  const grid: Grid = [];
  let cells: string[] = [];
  let field = "";
  let quoted = false;
  const endRow = () => {
    cells.push(field);
    grid.push({ row: grid.length + 1, cells });
    cells = [];
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") cells.push(field), (field = "");
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else field += ch;
  }
  if (quoted) throw new ValidationError(`CSV 第 ${grid.length + 1} 行的引号没有闭合`);
  if (field !== "" || cells.length > 0) endRow();
  return grid;
}

function csvGrid(bytes: Uint8Array): Grid {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ValidationError("CSV 不是 UTF-8 编码：请在 Excel 中另存为“CSV UTF-8（逗号分隔）”，或直接上传 XLSX");
  }
  if (text.includes("\u0000")) throw new ValidationError("文件含有 NUL 字符：不是 CSV 或 XLSX");
  return parseCsv(text);
}
