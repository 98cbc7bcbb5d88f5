// Bulk import into an enterprise's register (XLSX template or the same columns as CSV): each row
// is checked and saved on its own, all or nothing, in its own transaction; a bad row is reported
// by its row number and column and the valid rows are kept. Importing the same file again changes
// nothing (natural keys, see asset-register.ts).
import { businessDate, type WorkingCalendar } from "../../domain/calendar/working-days.ts";
import { DomainError } from "../../domain/errors.ts";
import { appendAudit } from "../../storage/audit-log.ts";
import type { PrismaClient } from "../../storage/database.ts";
import { buildAsset, COLUMNS, columnOf, KIND_HEADER, kindOf, type AssetField } from "./asset-fields.ts";
import { saveAsset } from "./asset-register.ts";
import { readAssetSheet, type SheetRow } from "./asset-sheet.ts";

export interface RowError {
  row: number;
  column: string;
  message: string;
}
export interface ImportResult {
  imported: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
}

/** A row's asset, or its problems by column. */
export function assetOfRow(r: SheetRow, today?: string): ReturnType<typeof buildAsset> | { input: null; errors: RowError[] } {
  const kindText = r.cells.get(KIND_HEADER)?.trim() ?? "";
  const kind = kindOf(kindText);
  if (!kind) return { input: null, errors: [{ row: r.row, column: KIND_HEADER, message: kindText ? `不认识的类型“${kindText.slice(0, 20)}”` : "类型必填" }] };
  const formula = COLUMNS.find((c) => r.cells.get(c.header)?.trim().startsWith("="));
  if (formula) return { input: null, errors: [{ row: r.row, column: formula.header, message: "不接受公式，请填写数值" }] };
  const raw: Partial<Record<AssetField, string>> = {};
  for (const c of COLUMNS) raw[c.field] = r.cells.get(c.header) ?? "";
  return buildAsset(kind, raw, today);
}

export async function importAssets(deps: { prisma: PrismaClient; timeZone: string; calendar: WorkingCalendar }, a: { enterpriseId: string; bytes: Uint8Array; actorId: string | null; channel: string; now: Date }): Promise<ImportResult> {
  const rows = await readAssetSheet(a.bytes);
  const today = businessDate(a.now, deps.timeZone);
  const result: ImportResult = { imported: 0, updated: 0, unchanged: 0, errors: [] };
  for (const r of rows) {
    const built = assetOfRow(r, today);
    if (!built.input) {
      result.errors.push(...("errors" in built ? built.errors : built.problems.map((p) => ({ row: r.row, column: p.field === "kind" ? "" : columnOf(p.field).header, message: p.message }))));
      continue;
    }
    const input = built.input;
    try {
      const { outcome } = await deps.prisma.$transaction((tx) => saveAsset(tx, { enterpriseId: a.enterpriseId, input, source: "import", actorId: a.actorId, now: a.now, today, calendar: deps.calendar }));
      result[outcome]++;
    } catch (err) {
      // The rules refused the asset (e.g. dates they cannot use): that row only.
      if (!(err instanceof DomainError)) throw err;
      result.errors.push({ row: r.row, column: "", message: err.message });
    }
  }
  if (result.imported + result.updated > 0 || result.errors.length > 0) {
    await deps.prisma.$transaction((tx) =>
      appendAudit(tx, {
        at: a.now, action: "ip_asset.imported", subjectType: "Enterprise", subjectId: a.enterpriseId, actorId: a.actorId, channel: a.channel,
        detail: { rows: rows.length, imported: result.imported, updated: result.updated, unchanged: result.unchanged, errors: result.errors.length },
      }),
    );
  }
  return result;
}
