// Seeds a large IP register for the reminder benchmark: enterprises, one ENTERPRISE_MANAGER each
// (with a WeCom identity), assets of every kind with realistic dates, and their Reminder rows as
// the daily pass of `lastPass` would have left them (deadlinesOf + firstRemindOn, then moved past
// the milestone that pass sent). Written with multi-row INSERTs (createMany writes ~3k rows/s here,
// syncAssetDeadlines per asset even fewer: far too slow for a million assets).
import { mulberry32 } from "../support/prng.ts";
import { firstRemindOn } from "../../src/app/ip/asset-deadlines.ts";
import type { WorkingCalendar } from "../../src/domain/calendar/working-days.ts";
import { deadlinesOf } from "../../src/domain/ip/deadlines.ts";
import { addDays } from "../../src/domain/ip/ip-dates.ts";
import type { AssetFacts, AssetKind, Deadline } from "../../src/domain/ip/ip-types.ts";
import { nextRemindOn } from "../../src/domain/ip/milestones.ts";
import { patentYearOf } from "../../src/domain/ip/patent-rules.ts";
import { splitPgSchema, type DatabaseProvider, type PrismaClient } from "../../src/storage/database.ts";

export interface SeedOptions {
  provider: DatabaseProvider;
  url: string;
  assets: number;
  enterprises: number;
  /** The working day before the benchmark's day: the register is as its pass left it. */
  lastPass: string;
  calendar: WorkingCalendar;
  /** Enterprises written per round (memory stays bounded by it). */
  chunk?: number;
}

export interface SeedResult {
  enterprises: number;
  assets: number;
  reminders: number;
  /** Reminders the pass can look at (PENDING with a nextRemindOn). */
  scheduled: number;
}


// The mix of a typical manufacturer's register (weights sum to 100).
const MIX: [AssetKind, number][] = [
  ["PATENT_INVENTION", 18],
  ["PATENT_UTILITY", 27],
  ["PATENT_DESIGN", 15],
  ["TRADEMARK", 28],
  ["COPYRIGHT", 5],
  ["PCT", 1],
  ["CERT_HIGH_TECH", 2],
  ["CERT_GBT29490", 2],
  ["TRADE_FAIR", 1],
  ["INSURANCE", 1],
];

const pad = (n: number, w = 8) => String(n).padStart(w, "0");

/** One asset of `kind` with dates spread so that about 1/365 of its yearly deadlines fall on any day. */
function assetFacts(kind: AssetKind, n: number, rnd: () => number, today: string): AssetFacts & { naturalKey: string; insurer?: string } {
  const daysAgo = (maxDays: number) => addDays(today, -Math.floor(rnd() * maxDays));
  const daysAhead = (maxDays: number) => addDays(today, 1 + Math.floor(rnd() * maxDays));
  const number = `B${pad(n, 9)}`;
  const base = { kind, title: `资产 ${n}`, number, naturalKey: number };
  if (kind === "PATENT_INVENTION" || kind === "PATENT_UTILITY" || kind === "PATENT_DESIGN") {
    const filingDate = daysAgo(kind === "PATENT_INVENTION" ? 20 * 365 : 12 * 365);
    const grantDate = addDays(filingDate, kind === "PATENT_INVENTION" ? 500 + Math.floor(rnd() * 700) : 150 + Math.floor(rnd() * 250));
    if (grantDate > today) return { ...base, filingDate, feeReductionPct: 85 };
    // Most pay this year's annuity on time; 3% are behind (in the grace period, or lapsed).
    const year = patentYearOf(filingDate, today);
    const annuityPaidYear = rnd() < 0.03 ? Math.max(1, year - 1) : year;
    return { ...base, filingDate, grantDate, annuityPaidYear, feeReductionPct: rnd() < 0.6 ? 85 : 0 };
  }
  if (kind === "TRADEMARK") return { ...base, grantDate: daysAgo(10 * 365) };
  if (kind === "COPYRIGHT") return { ...base, grantDate: daysAgo(10 * 365) };
  if (kind === "PCT") return { ...base, filingDate: daysAgo(30 * 30), countries: "US,EP,JP" };
  if (kind === "CERT_HIGH_TECH" || kind === "CERT_GBT29490") return { ...base, grantDate: daysAgo(3 * 365) };
  if (kind === "TRADE_FAIR") {
    const startDate = daysAhead(365);
    return { ...base, title: `展会 ${n}`, number: null, naturalKey: `展会 ${n}|${startDate}`, startDate, endDate: addDays(startDate, 4), countries: "DE" };
  }
  return { ...base, insurer: "人保财险", expiryDate: daysAhead(365) }; // INSURANCE
}

/** The reminder row's next look, as the pass on `lastPass` left it (the milestone come then was sent). */
function scheduleAfter(d: Deadline, lastPass: string): { nextRemindOn: string | null; escalated: boolean } {
  const first = firstRemindOn(d, lastPass);
  if (!first || first > lastPass) return { nextRemindOn: first, escalated: false };
  const input = { dueDate: d.dueDate, graceEndDate: d.graceEndDate, offsets: d.offsets };
  const next = nextRemindOn(input, lastPass);
  const escalation = addDays(d.dueDate, -7);
  const escalated = escalation <= lastPass;
  return { nextRemindOn: !escalated && (!next || escalation < next) ? escalation : next, escalated };
}

/** Multi-row INSERTs of rows with the same keys, within the database's bound-parameter limit. */
function inserter(prisma: PrismaClient, provider: DatabaseProvider, url: string) {
  const schema = provider === "postgresql" ? splitPgSchema(url).schema : undefined;
  return async (table: string, rows: Record<string, unknown>[]): Promise<void> => {
    if (rows.length === 0) return;
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))]; // kinds fill different columns
    const per = Math.floor(30_000 / cols.length);
    const name = schema ? `"${schema}"."${table}"` : `"${table}"`;
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per);
      let n = 0;
      const tuples = part.map(() => `(${cols.map(() => (provider === "sqlite" ? "?" : `$${++n}`)).join(",")})`);
      const params = part.flatMap((r) => cols.map((c) => r[c] ?? null));
      await prisma.$executeRawUnsafe(`INSERT INTO ${name} (${cols.map((c) => `"${c}"`).join(",")}) VALUES ${tuples.join(",")}`, ...params);
    }
  };
}

export async function seedRegister(prisma: PrismaClient, o: SeedOptions): Promise<SeedResult> {
  const rnd = mulberry32(13);
  const chunk = o.chunk ?? 2000;
  const perEnterprise = o.assets / o.enterprises;
  const res: SeedResult = { enterprises: 0, assets: 0, reminders: 0, scheduled: 0 };
  const escalatedAt = new Date(`${o.lastPass}T09:00:00+08:00`);
  const insert = inserter(prisma, o.provider, o.url);
  // SQLite's default 2 MB page cache makes index inserts into a 1 GB file crawl.
  if (o.provider === "sqlite") await prisma.$queryRawUnsafe("PRAGMA cache_size = -262144");
  for (let from = 0; from < o.enterprises; from += chunk) {
    const to = Math.min(o.enterprises, from + chunk);
    const enterprises = [], people = [], identities = [], grants = [], assets = [], reminders = [];
    for (let e = from; e < to; e++) {
      const id = `be${pad(e)}`;
      enterprises.push({ id, name: `企业 ${e}` });
      people.push({ id: `bp${pad(e)}`, name: `管理员 ${e}` });
      identities.push({ id: `bi${pad(e)}`, personId: `bp${pad(e)}`, channel: "wecom", externalId: `bench-mgr-${e}` });
      grants.push({ id: `bg${pad(e)}`, personId: `bp${pad(e)}`, role: "ENTERPRISE_MANAGER", enterpriseId: id });
      // The assets so far follow the target ratio exactly; each enterprise gets a varying share.
      const want = e === o.enterprises - 1 ? o.assets - res.assets : Math.max(0, Math.min(o.assets - res.assets, Math.round((e + 1) * perEnterprise) - res.assets));
      for (let k = 0; k < want; k++) {
        const n = res.assets++;
        let pick = rnd() * 100;
        const kind = MIX.find(([, w]) => (pick -= w) < 0)?.[0] ?? "TRADEMARK";
        const facts = assetFacts(kind, n, rnd, o.lastPass);
        const assetId = `ba${pad(n, 9)}`;
        assets.push({ ...facts, id: assetId, enterpriseId: id, source: "import" });
        for (const d of deadlinesOf(facts, { today: o.lastPass, calendar: o.calendar })) {
          const { nextRemindOn: next, escalated } = scheduleAfter(d, o.lastPass);
          const detail = { ...d.detail, label: d.label, nominalDate: d.nominalDate, offsets: d.offsets.join(","), basis: d.basis, key: d.key };
          reminders.push({ id: `br${pad(res.reminders++, 9)}`, enterpriseId: id, assetId, kind: d.kind, dueDate: d.dueDate, graceEndDate: d.graceEndDate, detailJson: JSON.stringify(detail), nextRemindOn: next, status: "PENDING", escalatedAt: escalated ? escalatedAt : null, dedupeKey: `${assetId}:${d.key}:${d.nominalDate}` });
          if (next) res.scheduled++;
        }
      }
    }
    res.enterprises += enterprises.length;
    const updatedAt = new Date();
    await insert("Enterprise", enterprises.map((r) => ({ ...r, updatedAt })));
    await insert("Person", people.map((r) => ({ ...r, updatedAt })));
    await insert("ChannelIdentity", identities);
    await insert("RoleGrant", grants);
    await insert("IpAsset", assets.map((r) => ({ ...r, updatedAt })));
    await insert("Reminder", reminders.map((r) => ({ ...r, updatedAt })));
  }
  return res;
}
