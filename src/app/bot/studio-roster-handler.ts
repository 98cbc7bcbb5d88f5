// 6.4 in chat: 工作室成员 (officers and admins who keep the roster: the list, then add or remove
// on bot-flows/studio-roster.ts) and 工作室情况 (a studio's status, set-up state and what its
// roster lacks, for its officers and its manager). Refusals are audited.
import { STUDIO_ROSTER_FLOW } from "../../../bot-flows/studio-roster.ts";
import { DomainError } from "../../domain/errors.ts";
import { maskMobiles } from "../../domain/mask.ts";
import { describeCompliance, EDUCATION_LABELS, EMPLOYMENT_LABELS, mayEditRoster, SIDE_LABELS, type Education, type Employment, type Side } from "../../domain/studio/roster.ts";
import { STUDIO_STATUS_LABELS, type StudioStatus } from "../../domain/studio/studio-setup.ts";
import type { CompletionHandler } from "../../flows/conversation-runner.ts";
import type { PrismaClient, Tx } from "../../storage/database.ts";
import type { PersonView } from "../../storage/directory.ts";
import { addMember, removeMember } from "../studios/studio-members.ts";
import { activeMembers, studioCityIpOfficers, studioCompliance } from "../studios/studio-records.ts";
import type { BotContext } from "./bot-context.ts";
import type { Conversations, Db } from "./conversations.ts";
import { refuseInChat } from "./refuse-in-chat.ts";
import { chatActor, designatedManager, enterpriseStudiosOf } from "./studio-chat-common.ts";
import { sendConfirmCards, setupStateText } from "./studio-setup-handler.ts";

type StudioWithEnterprise = NonNullable<Awaited<ReturnType<typeof studioWithEnterprise>>>;

function studioWithEnterprise(db: Tx, idOrNumber: string) {
  return db.studio.findFirst({ where: { OR: [{ id: idOrNumber }, { number: idOrNumber }] }, include: { enterprise: { select: { name: true, townId: true } } } });
}

function memberLine(m: Awaited<ReturnType<typeof activeMembers>>[number], n?: number): string {
  const edu = m.side === "AGENCY" ? `，${EDUCATION_LABELS[m.person.education as Education] ?? "学历未登记"}` : "";
  const manager = m.isManager ? "，工作室管理者" : "";
  return `${n === undefined ? "·" : `${n}.`} ${m.person.name}（${SIDE_LABELS[m.side as Side] ?? m.side}，${EMPLOYMENT_LABELS[m.employment as Employment] ?? m.employment}${edu}${manager}）`;
}

/** The roster and what it lacks (6.4 a–c). */
async function rosterText(db: Tx, studio: StudioWithEnterprise): Promise<string> {
  const members = await activeMembers(db, studio.id);
  const list = members.length ? members.map((m) => memberLine(m)).join("\n") : "（暂无成员）";
  return `工作室 ${studio.number}（${studio.enterprise.name}）成员：\n${list}\n${describeCompliance(await studioCompliance(db, studio.id))}`;
}

export interface RosterDeps {
  prisma: PrismaClient;
  newId: () => string;
  conversations: () => Conversations;
  timeZone: string;
}

/** The studio a command names ("工作室成员 ZSIPS-2026-001"), or the only one among `candidates`. */
async function pick(db: Tx, arg: string, candidates: StudioWithEnterprise[]): Promise<StudioWithEnterprise | "none" | "several"> {
  if (arg) {
    const s = await studioWithEnterprise(db, arg);
    return s && candidates.some((c) => c.id === s.id) ? s : "none";
  }
  if (candidates.length === 0) return "none";
  return candidates.length === 1 ? candidates[0]! : "several";
}

const listing = (studios: StudioWithEnterprise[], command: string) => `请指明工作室：回复“${command} 编号”，如“${command} ${studios[0]!.number}”。\n${studios.map((s) => `· ${s.number} ${s.enterprise.name}（${STUDIO_STATUS_LABELS[s.status as StudioStatus] ?? s.status}）`).join("\n")}`;

export function studioRosterActions(deps: RosterDeps) {
  const { prisma } = deps;

  /** Studios whose roster this person keeps (ADMIN and the city IP section: all; a town officer: the town's). */
  async function editable(person: PersonView): Promise<StudioWithEnterprise[]> {
    if (!person.roles.some((r) => r.role === "ADMIN" || r.role === "CITY_IP_OFFICER" || r.role === "TOWN_OFFICER")) return [];
    const all = await prisma.studio.findMany({ where: { status: { not: "CLOSED" } }, include: { enterprise: { select: { name: true, townId: true } } }, orderBy: { approvedAt: "desc" } });
    return all.filter((s) => mayEditRoster(person.roles, s.enterprise.townId));
  }

  /** 工作室成员: the roster, then the add/remove dialog. */
  async function onMembers(ctx: BotContext, arg: string): Promise<void> {
    const studios = await editable(ctx.person);
    if (studios.length === 0 && !ctx.person.roles.some((r) => r.role === "ADMIN" || r.role === "CITY_IP_OFFICER" || r.role === "TOWN_OFFICER")) {
      return refuseInChat(ctx, { action: "studio_roster.refused", reason: "may_not_edit_roster", text: "“工作室成员”只对市局知识产权科室、工作室所在镇街分局和系统管理员开放。发送“工作室情况”可查看您的工作室。" });
    }
    const studio = await pick(prisma, arg, studios);
    if (studio === "none") {
      if (arg) return refuseInChat(ctx, { action: "studio_roster.refused", reason: "studio_not_editable", text: `找不到您可以维护成员的工作室“${arg.slice(0, 30)}”。`, detail: { studio: arg.slice(0, 40) } });
      return ctx.commit([{ kind: "text", text: "目前没有您可以维护成员的工作室。" }]);
    }
    if (studio === "several") return ctx.commit([{ kind: "text", text: listing(studios, "工作室成员") }]);
    const members = await activeMembers(prisma, studio.id);
    const choices = { members: members.map((m) => ({ value: m.id, label: memberLine(m).slice(2) })) };
    const e = ctx.event;
    await ctx.commit([{ kind: "text", text: await rosterText(prisma, studio) }], (tx) =>
      deps.conversations().startConversation(tx, { personId: ctx.person.id, channel: e.sender.channel, userId: e.sender.userId, flowId: STUDIO_ROSTER_FLOW, context: { studioId: studio.id, choices }, now: ctx.now }),
    );
  }

  /** 工作室情况: status, set-up and compliance of the studios the person is an officer or the manager of. */
  async function onStatus(ctx: BotContext, arg: string): Promise<void> {
    const own = await enterpriseStudiosOf(prisma, ctx.person);
    const asMember = await prisma.studio.findMany({ where: { status: { not: "CLOSED" }, members: { some: { personId: ctx.person.id, leftAt: null } } }, include: { enterprise: { select: { name: true, townId: true } } } });
    const seen = new Map<string, StudioWithEnterprise>();
    for (const s of [...(await editable(ctx.person)), ...own, ...asMember]) seen.set(s.id, s);
    const studios = [...seen.values()];
    if (studios.length === 0) {
      return refuseInChat(ctx, { action: "studio_status.refused", reason: "no_studio_of_theirs", text: "您还没有可以查看的工作室：“工作室情况”对工作室的管理者、成员和主管部门人员开放。" });
    }
    const studio = await pick(prisma, arg, studios);
    if (studio === "none") return refuseInChat(ctx, { action: "studio_status.refused", reason: "studio_not_visible", text: `找不到您可以查看的工作室“${arg.slice(0, 30)}”。`, detail: { studio: arg.slice(0, 40) } });
    if (studio === "several") return ctx.commit([{ kind: "text", text: listing(studios, "工作室情况") }]);
    const head = `【工作室情况】${studio.number}（${studio.enterprise.name}）：${STUDIO_STATUS_LABELS[studio.status as StudioStatus] ?? studio.status}`;
    const e = ctx.event;
    await ctx.commit([{ kind: "text", text: [head, await setupStateText(prisma, studio, deps.timeZone), await rosterText(prisma, studio)].join("\n\n") }], async (tx) => {
      // A checklist awaiting this officer's confirmation: a fresh card for the current round (the
      // set-up reminder points here; the old card may be gone or no longer updatable).
      if (studio.status !== "SETTING_UP" || !studio.setupSubmittedAt || !(await studioCityIpOfficers(tx, studio.id)).includes(ctx.person.id)) return [];
      const manager = await designatedManager(tx, studio.id);
      return sendConfirmCards(tx, deps, studio, studio.setupRound, [], manager?.person.name ?? "", [{ channel: e.sender.channel, userId: e.sender.userId, personId: ctx.person.id }]);
    });
  }

  return { onMembers, onStatus };
}

/** One person of the directory by mobile or exact name; several of one name must be told apart by mobile. */
async function personByMobileOrName(tx: Tx, typed: string): Promise<{ id: string; name: string } | string> {
  const mobile = typed.replace(/[\s-]/g, "");
  if (/^1[3-9]\d{9}$/.test(mobile)) {
    const p = await tx.person.findFirst({ where: { mobile }, select: { id: true, name: true } });
    return p ?? `没有找到手机号为 ${maskMobiles(mobile)} 的人员，请先由管理员登记。`;
  }
  const named = await tx.person.findMany({ where: { name: typed.trim() }, select: { id: true, name: true }, take: 3 });
  if (named.length === 1) return named[0]!;
  return named.length === 0 ? `没有找到名为“${typed.trim().slice(0, 20)}”的人员，请核对或输入手机号。` : `有多位名为“${typed.trim()}”的人员，请输入手机号区分。`;
}

/** The roster dialog's completion: add or remove, re-checked (6.4 c refusals say why), then the roster as it now stands. */
export function rosterCompletion(): CompletionHandler<Db, PersonView> {
  return async (c) => {
    const tx = c.tx as Tx;
    const reply = (text: string) => [{ channel: c.sender.channel, userId: c.sender.userId, personId: c.person.id, message: { kind: "text" as const, text } }];
    const studio = await studioWithEnterprise(tx, String(c.context.studioId));
    if (!studio || !mayEditRoster(c.person.roles, studio.enterprise.townId)) return reply("您不能维护这个工作室的成员，名单未改动。");
    const actor = chatActor(c.person, c.sender.channel);
    try {
      if (c.answers.action === "REMOVE") {
        const member = await removeMember(tx, { studio: studio.id, memberId: String(c.answers.member) }, actor, c.now);
        const name = (await tx.person.findUnique({ where: { id: member.personId }, select: { name: true } }))?.name ?? "";
        return reply(`已移除 ${name}。\n${await rosterText(tx, studio)}`);
      }
      const found = await personByMobileOrName(tx, String(c.answers.person ?? ""));
      if (typeof found === "string") return reply(`${found}名单未改动。`);
      const side = c.answers.side as Side;
      const employment = c.answers.employment as Employment;
      const education = side === "AGENCY" ? (c.answers.education as Education) : undefined;
      await addMember(tx, { studio: studio.id, personId: found.id, side, employment, education }, actor, c.now);
      const edu = education ? `，${EDUCATION_LABELS[education]}` : "";
      return reply(`已添加 ${found.name}（${SIDE_LABELS[side]}，${EMPLOYMENT_LABELS[employment]}${edu}）。\n${await rosterText(tx, studio)}`);
    } catch (err) {
      // A refusal (6.4 c, wrong side's role, already a member) is the answer, with its reason.
      if (!(err instanceof DomainError)) throw err;
      const why = /[\u4e00-\u9fff]/.test(err.message) ? err.message : err.message.startsWith("already a member") ? "该人员已是本工作室成员" : err.message.includes("not staff of that agency") ? "该人员不是该服务机构的人员" : "操作未能完成";
      return reply(`未能修改：${why}。名单未改动。`);
    }
  };
}
