// Saving one asset into an enterprise's register, the same way from chat and from an import:
// found by its natural key (the number, else name + start date), so entering it again updates it
// (or changes nothing), then its deadlines are brought in step in the same transaction.
import type { WorkingCalendar } from "../../domain/calendar/working-days.ts";
import type { DeadlineKind } from "../../domain/ip/ip-types.ts";
import type { Tx } from "../../storage/database.ts";
import { assetByKey, createAsset, pendingReminders, updateAsset, type AssetRow } from "../../storage/ip-assets.ts";
import { syncAssetDeadlines } from "./asset-deadlines.ts";
import { COMPARED_FIELDS, naturalKeyOf, type AssetInput } from "./asset-fields.ts";

export type SaveOutcome = "imported" | "updated" | "unchanged";

const rowOf = (a: AssetInput): AssetRow => {
  const { kind, ...rest } = a;
  return { kind, ...rest, naturalKey: naturalKeyOf(a) };
};

/**
 * Creates the asset, or updates the one with the same natural key when a field differs, and
 * recomputes its deadlines as of `today`. An asset entered again unchanged is left alone.
 */
export async function saveAsset(tx: Tx, a: { enterpriseId: string; input: AssetInput; source: "chat" | "import"; actorId: string | null; now: Date; today: string; calendar: WorkingCalendar }): Promise<{ outcome: SaveOutcome; assetId: string }> {
  const row = rowOf(a.input);
  const existing = await assetByKey(tx, a.enterpriseId, row.naturalKey);
  if (existing) {
    const same = existing.kind === row.kind && COMPARED_FIELDS.every((f) => (existing[f] ?? null) === (row[f] ?? null));
    if (same) return { outcome: "unchanged", assetId: existing.id };
    await updateAsset(tx, existing.id, { ...row, now: a.now });
    await syncAssetDeadlines(tx, existing.id, { today: a.today, calendar: a.calendar });
    return { outcome: "updated", assetId: existing.id };
  }
  const created = await createAsset(tx, { ...row, enterpriseId: a.enterpriseId, source: a.source, createdById: a.actorId, now: a.now });
  await syncAssetDeadlines(tx, created.id, { today: a.today, calendar: a.calendar });
  return { outcome: "imported", assetId: created.id };
}

const DEADLINE_LABELS: Record<DeadlineKind, string> = {
  ANNUITY: "年费",
  PATENT_TERM: "专利权期限届满",
  TM_RENEWAL: "商标续展",
  PCT_NATIONAL_PHASE: "进入国家阶段",
  PRIORITY: "优先权期限",
  HIGH_TECH_ANNUAL_REPORT: "高企年度报告",
  HIGH_TECH_RENEWAL: "高企重新认定",
  GBT_SURVEILLANCE: "监督审核",
  GBT_RENEWAL: "认证复评",
  TRADE_FAIR_CHECK: "展前知识产权风险排查（7.2.4 b）",
  INSURANCE_RENEWAL: "保险续保（7.2.4 c）",
};

/** What a deadline is called: the rule's own label when the reminder kept it. */
export function deadlineLabel(kind: string, detailJson = "{}"): string {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(detailJson) as Record<string, unknown>;
  } catch {
    // an unreadable detail still has its kind
  }
  if (typeof detail.label === "string" && detail.label) return detail.label;
  if (kind === "ANNUITY" && typeof detail.year === "number") return `第 ${detail.year} 年年费`;
  return DEADLINE_LABELS[kind as DeadlineKind] ?? kind;
}

/** "下一个期限：2026-03-15 第 6 年年费；…" for the reply after an entry, or "" when none is pending. */
export async function nextDeadlinesText(tx: Tx, assetId: string): Promise<string> {
  const due = await pendingReminders(tx, assetId, 3);
  if (due.length === 0) return "";
  return `近期期限：${due.map((r) => `${r.dueDate} ${deadlineLabel(r.kind, r.detailJson)}`).join("；")}`;
}
