// Our channel-neutral Card for DingTalk, two ways:
// - an interactive card (卡片平台 template, createAndDeliver): DingTalk cards come from a template
//   made in the card builder, so this module defines the variables such a template binds to
//   (README of the template below) and fills them;
// - markdown with numbered options, for an app without a card template.
//
// Template contract (DINGTALK_CARD_TEMPLATE_ID), every value a string in cardParamMap:
//   title, markdown (description, facts, link), status ("" until the card is answered),
//   buttons_show ("true" / "false"), and for i = 1..6: btn{i}_show, btn{i}_text,
//   btn{i}_style (primary / default / danger), btn{i}_key, btn{i}_sig. Button i's action is
//   "回传请求" with params {"key": "${btn{i}_key}", "sig": "${btn{i}_sig}"}.
import { type Card } from "../../domain/chat.ts";
import { clip } from "../../domain/clip.ts";
import { ValidationError } from "../../domain/errors.ts";
import { signButton } from "./dingtalk-crypto.ts";

/** UTF-8 length (web standard: Buffer is Node-only). */
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** The card template has six button slots (btn1…btn6). */
export const DINGTALK_MAX_BUTTONS = 6;

/** outTrackId: we use our card id, so keep it to the characters every platform takes. */
const OUT_TRACK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;
/** A button key travels in the card data and back; bounded so a card stays small. */
const MAX_KEY_BYTES = 1024;

export function validateCard(card: Card): void {
  if (!OUT_TRACK_ID.test(card.id)) throw new ValidationError("dingtalk: card id must be 1-128 chars of [0-9A-Za-z_-@]", { cardId: card.id.slice(0, 64) });
  if (card.buttons.length === 0) throw new ValidationError("dingtalk: a button card needs at least one button");
  if (card.buttons.length > DINGTALK_MAX_BUTTONS) throw new ValidationError(`dingtalk: at most ${DINGTALK_MAX_BUTTONS} buttons per card`, { count: card.buttons.length });
  const keys = new Set<string>();
  for (const b of card.buttons) {
    if (!b.key || utf8Bytes(b.key) > MAX_KEY_BYTES) throw new ValidationError(`dingtalk: button key must be 1-${MAX_KEY_BYTES} bytes`, { key: b.key.slice(0, 64) });
    if (keys.has(b.key)) throw new ValidationError("dingtalk: button keys must be unique", { key: b.key.slice(0, 64) });
    keys.add(b.key);
  }
}

/** Description, facts and link as DingTalk markdown. */
function body(card: Card): string {
  const lines: string[] = [];
  if (card.description) lines.push(clip(card.description, 500));
  for (const f of card.facts ?? []) lines.push(`- **${clip(f.label, 20)}**：${clip(f.value, 200)}`);
  if (card.url) lines.push(`[查看详情](${card.url})`);
  return lines.join("\n\n");
}

/** cardParamMap for the template above; each button's key is signed for its recipient. */
export function cardParamMap(card: Card, userId: string, signingSecret: string): Record<string, string> {
  validateCard(card);
  const map: Record<string, string> = { title: clip(card.title, 60), markdown: body(card), status: "", buttons_show: "true" };
  for (let i = 1; i <= DINGTALK_MAX_BUTTONS; i++) {
    const b = card.buttons[i - 1];
    map[`btn${i}_show`] = b ? "true" : "false";
    map[`btn${i}_text`] = b ? clip(b.label, 20) : "";
    map[`btn${i}_style`] = b?.style ?? "default";
    map[`btn${i}_key`] = b?.key ?? "";
    map[`btn${i}_sig`] = b ? signButton(signingSecret, card.id, userId, b.key) : "";
  }
  return map;
}

/** What an answered card shows: the outcome, and no buttons any more. */
export function answeredParamMap(replaceName: string): Record<string, string> {
  const map: Record<string, string> = { status: clip(replaceName, 40), buttons_show: "false" };
  for (let i = 1; i <= DINGTALK_MAX_BUTTONS; i++) map[`btn${i}_show`] = "false";
  return map;
}

/** The card as markdown with numbered options, for an app without a card template. */
export function cardAsMarkdown(card: Card): { title: string; text: string } {
  validateCard(card);
  const options = card.buttons.map((b, i) => `${i + 1}. ${clip(b.label, 40)}`).join("\n");
  const text = [`### ${clip(card.title, 60)}`, body(card), `请回复序号：\n\n${options}`].filter(Boolean).join("\n\n");
  return { title: clip(card.title, 60), text };
}
