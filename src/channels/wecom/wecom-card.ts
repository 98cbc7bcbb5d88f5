// Our channel-neutral Card as WeCom's template_card (card_type "button_interaction"), within
// WeCom's limits: task_id characters and length, 6 facts, 10-character button labels.
import { type Card, type CardButton } from "../../domain/chat.ts";
import { clip } from "../../domain/clip.ts";
import { ValidationError } from "../../domain/errors.ts";

/** UTF-8 length (web standard: Buffer is Node-only). */
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** button_interaction template cards take at most 6 buttons (WeCom message/send docs). */
export const WECOM_MAX_BUTTONS = 6;

const TASK_ID = /^[0-9A-Za-z_\-@]+$/;
const STYLE: Record<NonNullable<CardButton["style"]>, number> = { primary: 1, default: 2, danger: 3 };
const MAX_FACTS = 6;

/** Validate a task_id the way WeCom does: [0-9A-Za-z_-@], at most 128 bytes. */
export function validateTaskId(taskId: string): void {
  if (!TASK_ID.test(taskId) || utf8Bytes(taskId) > 128) {
    throw new ValidationError("wecom: card id must be 1-128 chars of [0-9A-Za-z_-@]", { taskId });
  }
}

/** Our Card → WeCom template_card of card_type "button_interaction". Throws ValidationError. */
export function buildButtonInteractionCard(card: Card): Record<string, unknown> {
  validateTaskId(card.id);
  if (card.buttons.length === 0) throw new ValidationError("wecom: a button card needs at least one button");
  if (card.buttons.length > WECOM_MAX_BUTTONS) {
    throw new ValidationError(`wecom: at most ${WECOM_MAX_BUTTONS} buttons per card`, { count: card.buttons.length });
  }
  const keys = new Set<string>();
  for (const b of card.buttons) {
    if (!b.key || utf8Bytes(b.key) > 1024) throw new ValidationError("wecom: button key must be 1-1024 bytes", { key: b.key.slice(0, 64) });
    if (keys.has(b.key)) throw new ValidationError("wecom: button keys must be unique", { key: b.key.slice(0, 64) });
    keys.add(b.key);
  }

  // WeCom shows at most 6 fact rows; the overflow goes into the sub-title so nothing is lost.
  const facts = card.facts ?? [];
  const shown = facts.length > MAX_FACTS ? facts.slice(0, MAX_FACTS - 1) : facts;
  const overflow = facts.slice(shown.length);
  if (overflow.length > 0) shown.push({ label: "更多", value: `另有 ${overflow.length} 项` });
  const sub = [card.description ?? "", ...overflow.map((f) => `${f.label}：${f.value}`)].filter(Boolean).join("\n");

  const tc: Record<string, unknown> = {
    card_type: "button_interaction",
    main_title: { title: clip(card.title, 36) },
    task_id: card.id,
    button_list: card.buttons.map((b) => ({ text: clip(b.label, 10), style: STYLE[b.style ?? "default"], key: b.key })),
  };
  if (sub) tc["sub_title_text"] = clip(sub, 160);
  if (shown.length > 0) tc["horizontal_content_list"] = shown.map((f) => ({ keyname: clip(f.label, 10), value: clip(f.value, 26) }));
  if (card.url) tc["card_action"] = { type: 1, url: card.url };
  return tc;
}
