// Trade fairs (7.2.4 b: a pre-show IP risk check) and overseas IP insurance (7.2.4 c: renew before
// the policy lapses). Both dates are facts of the world — a fair opens when it opens, a policy ends
// when it ends — so neither moves off a rest day.

import { asDate } from "./ip-dates.ts";
import type { AssetFacts, Deadline } from "./ip-types.ts";

/** 7.2.4 b: reminders 30 and 7 days before the fair opens. */
export const TRADE_FAIR_OFFSETS = [30, 7];
/** 7.2.4 c: reminders 60 and 15 days before the policy expires. */
export const INSURANCE_OFFSETS = [60, 15];

export function tradeFairDeadlines(asset: AssetFacts, today: string): Deadline[] {
  const start = asDate(asset.startDate);
  if (start === null || start < today) return [];
  return [
    {
      kind: "TRADE_FAIR_CHECK",
      label: `展前知识产权风险排查（${asset.title}）`,
      nominalDate: start,
      dueDate: start,
      graceEndDate: null,
      offsets: [...TRADE_FAIR_OFFSETS],
      detail: { startDate: start, endDate: asDate(asset.endDate), countries: asset.countries ?? null },
      key: "TRADE_FAIR_CHECK",
      basis: "7.2.4 b",
    },
  ];
}

export function insuranceDeadlines(asset: AssetFacts, today: string): Deadline[] {
  const expiry = asDate(asset.expiryDate);
  if (expiry === null || expiry < today) return [];
  return [
    {
      kind: "INSURANCE_RENEWAL",
      label: "海外知识产权保险续保",
      nominalDate: expiry,
      dueDate: expiry,
      graceEndDate: null,
      offsets: [...INSURANCE_OFFSETS],
      detail: { expiryDate: expiry },
      key: "INSURANCE_RENEWAL",
      basis: "7.2.4 c",
    },
  ];
}
