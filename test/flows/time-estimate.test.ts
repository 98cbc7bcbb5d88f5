// "约 N 分钟": the one estimate of the application's time that the intro, the menu and the README
// give, measured here by playing the whole form through the engine as a person on a phone:
// reading every message the bot sends, tapping card buttons, typing the other answers with a
// phone's pinyin keyboard, then reading the summary and submitting.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { studioApplicationFlow as flow } from "../../bot-flows/studio-application.ts";
import { menuMessage } from "../../src/app/bot/menu.ts";
import type { OutboundMessage } from "../../src/domain/chat.ts";
import { cards, Driver, HAPPY, makeCtx } from "./helpers.ts";

/** A person on a phone: reads 8 characters a second, thinks 3 s before answering, types a character a second, taps in 2 s. */
const PACE = { readCharsPerS: 8, thinkS: 3, typeSPerChar: 1, tapS: 2 };
const typed = new Map(HAPPY.map(([f, t]) => [f, t]));
const COUNTS = "12 30 5 1 8 0 2 0";

const chars = (m: OutboundMessage) => Array.from(m.kind === "text" ? m.text : m.kind === "card" ? [m.card.title, m.card.description ?? "", ...m.card.buttons.map((b) => b.label)].join("") : "").length;
const reading = (ms: OutboundMessage[]) => ms.reduce((n, m) => n + chars(m), 0) / PACE.readCharsPerS;

/** Seconds for the whole form at PACE, and the answers it took. */
function playForm(): { seconds: number; answers: number } {
  const d = new Driver(flow, makeCtx(true));
  let seconds = reading(d.replies);
  let answers = 0;
  while (d.state.mode === "asking") {
    const field = d.state.cursor!;
    const card = cards(d.replies).at(-1);
    const text = field === "validInvention" ? COUNTS : typed.get(field)!;
    // A card question is a tap; the rest is typed.
    seconds += PACE.thinkS + (card && card.buttons.length > 1 ? PACE.tapS : Array.from(text).length * PACE.typeSPerChar);
    d.send(text);
    answers++;
    seconds += reading(d.replies);
    expect(answers, "the form ends").toBeLessThan(60);
  }
  expect(d.state.mode).toBe("summary");
  return { seconds: seconds + PACE.tapS, answers };
}

describe("[A.1] the time the application takes", () => {
  it("is measured at a phone user's pace, and the intro, the menu and the README say the same 约 N 分钟", () => {
    const { seconds, answers } = playForm();
    const minutes = seconds / 60;
    console.info(`[time-estimate] ${answers} answers, ${minutes.toFixed(1)} min at ${JSON.stringify(PACE)}`);
    expect(flow.estimatedMinutes).toBe(Math.round(minutes));
    const said = `约 ${flow.estimatedMinutes} 分钟`;
    expect(flow.intro).toContain(said);
    const menu = menuMessage({ id: "p", name: "王五", mobile: null, roles: [] }, { buttons: false, markdown: false, cardUpdate: false, maxButtons: 0 }, "m");
    expect(menu.kind === "text" ? menu.text : "").toContain(said);
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(said);
    // No other figure for it anywhere the person or a newcomer reads.
    expect(readme.match(/约 \d+ 分钟/g)?.every((m) => m === said)).toBe(true);
  });
});
