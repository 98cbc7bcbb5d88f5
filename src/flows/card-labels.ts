// What a tapped question card says once handled: its buttons give way to the answer
// ("已选：是"), so an answered card cannot be tapped again (WeCom update_template_card with the
// click's response_code; the web simulator alike). The bot sends the update after the turn.
import { findStep } from "./answers.ts";
import { clip } from "../domain/clip.ts";
import { parseButtonKey } from "./commands.ts";
import type { FlowContext, FlowState } from "./engine-types.ts";
import type { FlowDefinition } from "./flow-schema.ts";
import { OTHER_VALUE, optionDisplay, optionsFor } from "./render.ts";

/** WeCom shows a button's text up to 10 characters (wecom-api clips button labels alike). */
const MAX_LABEL = 10;

const label = (s: string) => clip(s, MAX_LABEL);

/**
 * The label for the card whose button `key` was tapped, given the state before and after the
 * tap; null when the key is not a question's (summary and cancel cards keep the bot's default).
 */
export function tappedCardLabel(flow: FlowDefinition, before: FlowState, after: FlowState, key: string, ctx: FlowContext): string | null {
  const k = parseButtonKey(key);
  if (!k || k.target.startsWith("@")) return null;
  const step = findStep(flow, k.target);
  if (!step || step.kind === "notice") return null;
  // A card of an earlier question (answered, or asked again since): done with, whatever it says.
  if (before.cursor !== step.id) return "已处理";
  if (k.value === OTHER_VALUE) return "选择其他";
  const moved = after.cursor !== step.id || after.mode !== before.mode;
  if (!moved) return null; // refused (a forged value): the card stays as it was
  if (k.value === "@skip") return "已跳过";
  if (k.value === "@none" && step.kind === "multi-choice") return label(`已选：${step.none?.label ?? "无"}`);
  if (step.kind === "yes-no") return label(`已选：${k.value === "yes" ? (step.yesLabel ?? "是") : (step.noLabel ?? "否")}`);
  const option = optionsFor(step, ctx).find((o) => o.value === k.value);
  return label(`已选：${option ? optionDisplay(step, option, ctx) : k.value}`);
}
