// What the IP risk reminders say: the daily digest (numbered items, most urgent first), its card
// of buttons for the first items (WeCom: 6 buttons, so 2 items × 已处理 / 稍后提醒 / 需要帮助), and
// the replies to those actions.
import type { Card } from "../../domain/chat.ts";
import { ASSET_KIND_LABELS, type AssetKind } from "../../domain/ip/ip-types.ts";
import { daysBetween } from "../../domain/ip/ip-dates.ts";

export const REMINDER_KEYS = { done: "ipr:done:", snooze: "ipr:snooze:", help: "ipr:help:" } as const;
/** Typed: 已处理 N / 稍后提醒 N / 需要帮助 N (N: the item's number in the latest digest). */
export const REMINDER_WORDS = { done: "已处理", snooze: "稍后提醒", help: "需要帮助" } as const;
/** Items per digest card: 3 buttons each within a card's 6. */
export const ITEMS_WITH_BUTTONS = 2;
/** Lines in the digest text; the rest are counted (WeCom text: 2048 bytes). */
export const MAX_LINES = 12;

export interface DigestItem {
  reminderId: string;
  assetKind: string;
  title: string;
  number: string | null;
  label: string;
  dueDate: string;
  graceEndDate: string | null;
  detail: Record<string, unknown>;
  /** The current late fee in the grace period, if any. */
  lateFeeYuan?: number | null;
}

const yuan = (n: unknown) => (typeof n === "number" ? `${n.toLocaleString("en-US")} 元` : null);

/** One numbered line: what, which asset, when, how much. */
export function itemLine(i: number, it: DigestItem, today: string): string {
  const kind = ASSET_KIND_LABELS[it.assetKind as AssetKind] ?? it.assetKind;
  const asset = `【${kind}】${it.title}${it.number ? `（${it.number}）` : ""}`;
  const left = daysBetween(today, it.dueDate);
  let when: string;
  if (left > 0) when = `${it.dueDate} 到期（还有 ${left} 天）`;
  else if (left === 0) when = `今天（${it.dueDate}）到期`;
  else when = `已过期限 ${-left} 天（原期限 ${it.dueDate}${it.graceEndDate ? `，宽限期至 ${it.graceEndDate}` : ""}）`;
  const money: string[] = [];
  const fee = yuan(it.detail.feeYuan);
  const payable = yuan(it.detail.payableYuan);
  if (fee) money.push(payable && payable !== fee ? `年费 ${fee}，费减后应缴 ${payable}` : `应缴 ${fee}`);
  if (it.lateFeeYuan) money.push(`当前滞纳金 ${yuan(it.lateFeeYuan)}`);
  return `${i}. ${asset} ${it.label}：${when}${money.length ? `；${money.join("，")}` : ""}`;
}

/** The digest's text: every item numbered, most urgent first. */
export function digestText(items: DigestItem[], today: string, enterpriseName: string): string {
  const shown = items.slice(0, MAX_LINES).map((it, i) => itemLine(i + 1, it, today));
  const more = items.length > MAX_LINES ? [`…另有 ${items.length - MAX_LINES} 项，回复“我的知识产权”查看全部。`] : [];
  return [`【知识产权风险提醒】${enterpriseName}：${items.length} 项期限临近`, ...shown, ...more, `回复“已处理 N”“稍后提醒 N”（3 天后再提醒）或“需要帮助 N”（提交服务申请）处理第 N 项。`].join("\n");
}

/** Buttons for the first items (the rest are handled by the typed words). */
export function digestCard(cardId: string, items: DigestItem[]): Card {
  const first = items.slice(0, ITEMS_WITH_BUTTONS);
  return {
    id: cardId,
    title: first.length === 1 ? "处理第 1 项" : `处理第 1–${first.length} 项`,
    description: first.map((it, i) => `${i + 1}. ${it.title} ${it.label}（${it.dueDate}）`).join("\n"),
    buttons: first.flatMap((it, i) => [
      { key: `${REMINDER_KEYS.done}${it.reminderId}`, label: `${i + 1} 已处理`, style: "primary" as const },
      { key: `${REMINDER_KEYS.snooze}${it.reminderId}`, label: `${i + 1} 稍后提醒` },
      { key: `${REMINDER_KEYS.help}${it.reminderId}`, label: `${i + 1} 需要帮助` },
    ]),
  };
}

export const reminderTexts = {
  agency: (enterpriseName: string, lines: string[]) => [`【知识产权期限预警】${enterpriseName} 以下事项 7 天内到期，企业尚未确认处理，请协助跟进：`, ...lines].join("\n"),
  done: (label: string) => `已记录“${label}”已处理，此项不再提醒。`,
  snoozed: (until: string) => `好的，${until} 再提醒您。`,
  snoozeAtDeadline: (until: string) => `期限就在 ${until}，将在当天再提醒您。`,
  help: (no: string) => `已为您提交服务申请（${no}），工作室的服务机构人员会尽快联系您。`,
  noStudio: "贵企业还没有正式运行的工作室，暂不能在线申请服务。请联系市场监督管理局知识产权科。",
  notYours: "这项提醒不属于您所在的企业。",
  already: "这项提醒已处理。",
  noDigest: "没有找到最近的提醒。回复“我的知识产权”查看各项期限。",
  badNumber: (n: number, count: number) => `最近一次提醒共 ${count} 项，没有第 ${n} 项。`,
};
