// The studio conversations' entry points (6.3 b, 6.4): the commands 工作室建设 / 工作室成员 /
// 工作室情况 and the set-up confirm card's buttons, one intent for the router (isStudioMessage),
// and the completions of the studio flows, registered on the runner by flow id.
import { MANAGER_DESIGNATION_FLOW } from "../../../bot-flows/manager-designation.ts";
import { SETUP_RETURN_FLOW } from "../../../bot-flows/studio-setup-return.ts";
import { STUDIO_ROSTER_FLOW } from "../../../bot-flows/studio-roster.ts";
import { STUDIO_SETUP_FLOW } from "../../../bot-flows/studio-setup.ts";
import type { InboundEvent } from "../../domain/chat.ts";
import { SETUP_COMMAND, STATUS_COMMAND } from "../studios/studio-texts.ts";
import type { BotContext, BotHandler } from "./bot-context.ts";
import { turnOf, type Conversations } from "./conversations.ts";
import { designationCompletion, startDesignation } from "./manager-designation-handler.ts";
import { refuseInChat } from "./refuse-in-chat.ts";
import { designatedManager, enterpriseStudiosOf } from "./studio-chat-common.ts";
import { rosterCompletion, studioRosterActions } from "./studio-roster-handler.ts";
import { setupCardActions, setupCompletion, setupReturnCompletion, setupStateText, startSetupChecklist, SETUP_KEYS, type SetupDeps } from "./studio-setup-handler.ts";

export const ROSTER_COMMAND = "工作室成员";
const COMMANDS = [SETUP_COMMAND, ROSTER_COMMAND, STATUS_COMMAND] as const;

/** "工作室情况 ZSIPS-2026-001" → the command and its argument; null when the text is none of them. */
function parseCommand(text: string): { command: (typeof COMMANDS)[number]; arg: string } | null {
  const t = text.normalize("NFKC").trim();
  const command = COMMANDS.find((c) => t === c || t.startsWith(`${c} `));
  return command ? { command, arg: t.slice(command.length).trim().slice(0, 64) } : null;
}

/** For the intent router: a studio command or a set-up card button. */
export function isStudioMessage(event: InboundEvent): boolean {
  if (event.kind === "button") return event.key === SETUP_KEYS.confirm || event.key === SETUP_KEYS.return;
  return event.kind === "text" && parseCommand(event.text) !== null;
}

/** What each studio flow does on completion. */
export function registerStudioCompletions(conversations: Conversations, deps: SetupDeps): void {
  conversations.registerCompletion(MANAGER_DESIGNATION_FLOW, designationCompletion(deps), { afterCommit: true });
  conversations.registerCompletion(STUDIO_SETUP_FLOW, setupCompletion(deps));
  conversations.registerCompletion(SETUP_RETURN_FLOW, setupReturnCompletion(deps));
  conversations.registerCompletion(STUDIO_ROSTER_FLOW, rosterCompletion());
}

export function studioHandler(deps: SetupDeps): BotHandler {
  const { prisma } = deps;
  const onCard = setupCardActions(deps);
  const roster = studioRosterActions(deps);

  /** 工作室建设: the manager resumes or starts the checklist; before a manager is designated, the applicant designates one. */
  async function onSetup(ctx: BotContext): Promise<void> {
    const studios = await enterpriseStudiosOf(prisma, ctx.person);
    const studio = studios.find((s) => s.status === "SETTING_UP") ?? studios[0];
    if (!studio) return refuseInChat(ctx, { action: "studio_setup.refused", reason: "no_studio_of_theirs", text: "您还没有获批的工作室。“工作室建设”供工作室管理者登记建设情况；主管部门人员请发送“工作室情况”。" });
    const e = ctx.event;
    const reach = { channel: e.sender.channel, userId: e.sender.userId };
    const manager = await designatedManager(prisma, studio.id);
    const state = await setupStateText(prisma, studio, deps.timeZone);
    if (!manager) {
      return ctx.commit([], (tx) => startDesignation(tx, deps, { studioId: studio.id, personId: ctx.person.id, reach, notice: `工作室 ${studio.number} 还没有指定管理者（6.4 b），请先确认。`, now: ctx.now }));
    }
    if (manager.personId !== ctx.person.id || studio.status !== "SETTING_UP") {
      const who = manager.personId === ctx.person.id ? "" : `\n建设清单由工作室管理者 ${manager.person.name} 登记。`;
      return ctx.commit([{ kind: "text", text: `工作室 ${studio.number}（${studio.enterprise.name}）\n${state}${who}` }]);
    }
    const running = await deps.conversations().resumable(ctx.person.id, STUDIO_SETUP_FLOW);
    if (running?.status === "ACTIVE") return void (await deps.conversations().answer(turnOf(ctx), running, { kind: "text", text: "继续" }));
    if (studio.setupSubmittedAt) return ctx.commit([{ kind: "text", text: `工作室 ${studio.number}（${studio.enterprise.name}）\n${state}` }]);
    await ctx.commit([], (tx) => startSetupChecklist(tx, deps, { studioId: studio.id, personId: ctx.person.id, reach, now: ctx.now }));
  }

  return async (ctx) => {
    const e = ctx.event;
    if (e.kind === "button") {
      await onCard(ctx);
      return true;
    }
    const parsed = ctx.text === null ? null : parseCommand(ctx.text);
    if (!parsed) return false;
    if (parsed.command === SETUP_COMMAND) await onSetup(ctx);
    else if (parsed.command === ROSTER_COMMAND) await roster.onMembers(ctx, parsed.arg);
    else await roster.onStatus(ctx, parsed.arg);
    return true;
  };
}
