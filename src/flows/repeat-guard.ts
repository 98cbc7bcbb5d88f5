// "The answer belongs to this question": an impatient person who sends the same answer twice
// (the reply was slow) must not get the repeat filed as the answer to the next question.
import { parseCommand } from "./commands.ts";
import type { FlowInput, FlowState } from "./engine-types.ts";

/** How soon after an answer an identical text may be a repeat of it. */
export const REPEAT_WINDOW_MS = 2 * 60_000;

export interface LastInput {
  lastInput: string | null;
  lastInputAt: Date | null;
}

/**
 * A repeat: the same text as the last answer taken, within the window, and nothing the bot
 * sent after that answer had been delivered when it arrived (so the person cannot have seen
 * the next question). `deliveredSince` answers that from the outbox.
 */
export async function isRepeatedAnswer(last: LastInput, text: string, receivedAt: Date, deliveredSince: (since: Date, until: Date) => Promise<boolean>): Promise<boolean> {
  if (!last.lastInput || !last.lastInputAt) return false;
  if (text.trim() !== last.lastInput) return false;
  const age = receivedAt.getTime() - last.lastInputAt.getTime();
  if (age < 0 || age > REPEAT_WINDOW_MS) return false;
  return !(await deliveredSince(last.lastInputAt, receivedAt));
}

/**
 * What to remember after a step: the text when it was taken as an answer to the question being
 * asked (the engine moved on), else nothing — a refused answer or a command (返回, 跳过…) is not
 * one whose repeat should be swallowed.
 */
export function answerTaken(before: FlowState, after: FlowState, input: FlowInput, receivedAt: Date): LastInput {
  const none = { lastInput: null, lastInputAt: null };
  if (input.kind !== "text" || before.mode !== "asking" || parseCommand(input.text)) return none;
  const moved = after.cursor !== before.cursor || after.mode !== before.mode;
  return moved ? { lastInput: input.text.trim(), lastInputAt: receivedAt } : none;
}

export const REPEAT_NOTICE = "已收到您刚才的回答，无需重复发送，内容不会丢失。请稍候下一个问题。";
