// 6.3 a: the cards of a pending stage, one per eligible officer and channel identity, each
// recorded (SentCard) so its buttons act on that stage and round only; and the applicant's
// outcome card at final approval.
import { eligibleRoleForStage, type Stage } from "../../domain/approval/approval-machine.ts";
import { recordSentCard } from "../../storage/sent-cards.ts";
import type { Card } from "../../domain/chat.ts";
import type { Logger } from "../../log/logger.ts";
import { loadApplicationHistory, townLabelOf } from "../../storage/approval-history.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import { createDirectory, type Recipient } from "../../storage/directory.ts";
import type { OutgoingMessage } from "../../storage/outbox.ts";
import { historyOf } from "./approval-history.ts";
import { approvalCard, shortId, wordKey, type CardApplication } from "./approval-texts.ts";

type AppRow = NonNullable<Awaited<ReturnType<PrismaClient["application"]["findUnique"]>>>;

export interface StageCardDeps {
  newId: () => string;
  logger: Logger;
  timeZone: string;
  printUrl: (applicationId: string, personId: string) => string;
}

export async function cardApplication(tx: Tx, app: AppRow): Promise<CardApplication> {
  return { ...app, townName: await townLabelOf(tx, app.townId) };
}

/** Sends a card for a pending step to every eligible officer (also used by 催办, 待我审批 and the reminder job). */
export async function sendStageCards(deps: StageCardDeps, tx: Tx, app: AppRow, step: { id: string; stage: number; dueOn: string }, opts: { reminder?: boolean; to?: Recipient[] } = {}): Promise<OutgoingMessage[]> {
  const stage = step.stage as Stage;
  const officers = opts.to ?? (await createDirectory(tx).recipientsWithRole(eligibleRoleForStage(stage), stage === 1 ? app.townId : null));
  const history = historyOf(await loadApplicationHistory(tx, app.id));
  const ca = await cardApplication(tx, app);
  const out: OutgoingMessage[] = [];
  for (const r of officers) {
    const cardId = `ap-${deps.newId()}`;
    await recordSentCard(tx, { id: cardId, channel: r.channel, externalUserId: r.userId, personId: r.personId, purpose: "approval", approvalStepId: step.id });
    const card = approvalCard({ cardId, app: ca, stage, history, printUrl: deps.printUrl(app.id, r.personId), dueOn: step.dueOn, timeZone: deps.timeZone, reminder: opts.reminder });
    out.push({ channel: r.channel, userId: r.userId, personId: r.personId, message: { kind: "card", card } });
  }
  if (officers.length === 0) deps.logger.warn({ applicationId: app.id, stage }, "no officer holds the role for this stage; escalation will reach ADMIN");
  return out;
}

/**
 * A.1 编号 · 6.3 b: the applicant's approval — the number on its own line, what to do next in
 * plain words, a button that starts the set-up, and the approved form behind the card's link.
 */
export function outcomeCard(cardId: string, app: { id: string; enterpriseName: string; studioNumber: string | null }, printUrl: string): Card {
  const number = app.studioNumber ?? "";
  return {
    id: cardId,
    title: "工作室申请已获批准",
    // WeCom shows 160 characters of this: short lines, the number alone on its own.
    description: [
      "恭喜！您的工作室申请已获批准。",
      "工作室编号：",
      number,
      "接下来：",
      "1. 确认工作室管理者（企业管理层的专人）",
      "2. 备好场地、办公设备和标牌，拍照发到这里",
      "3. 市局确认后，工作室正式运行",
      "点开卡片可查看批准的申请表。",
    ].join("\n"),
    facts: [
      { label: "工作室编号", value: number },
      { label: "企业", value: app.enterpriseName },
      { label: "申请号", value: shortId(app.id) },
    ],
    url: printUrl,
    buttons: [
      { key: wordKey("工作室建设"), label: "开始工作室建设", style: "primary" },
      { key: wordKey("我的申请"), label: "查看审批记录", style: "default" },
    ],
  };
}
