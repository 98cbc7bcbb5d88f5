// ONE conversation runner for every flow in bot-flows/: loads and saves the session (optimistic
// lock on its revision), runs the pure engine, keeps "the answer belongs to this question" (the
// repeat guard), pauses the person's conversation for another and resumes it when that one ends,
// lets short dialogs lapse, and hands a completed flow's answers to the handler registered for it.
// Storage comes in through SessionStore, so this file knows no database.
import type { ChannelName, OutboundMessage } from "../domain/chat.ts";
import { ConflictError, DomainError } from "../domain/errors.ts";
import { startFlow, step, type FlowContext, type FlowInput, type FlowState } from "./engine.ts";
import type { FlowRegistry } from "./flow-registry.ts";
import { flowTexts, type Answers, type FlowDefinition } from "./flow-schema.ts";
import { forgetPatch } from "./forget-on-end.ts";
import { lapseIdleConversations } from "./lapse-sweep.ts";
import { normalizeWord } from "./normalize.ts";
import { tappedCardLabel } from "./card-labels.ts";
import { answerTaken, isRepeatedAnswer, REPEAT_NOTICE } from "./repeat-guard.ts";
import { globalCompletions, type CompletionArgs, type CompletionHandler, type CompletionOptions, type Outgoing, type Registered, type Sender } from "./completions.ts";
import type { SessionContext, SessionStatus, SessionStore, StoredSession } from "./session-store.ts";

export { registerCompletion, type CompletionArgs, type CompletionHandler, type CompletionOptions, type Outgoing, type Sender } from "./completions.ts";

/** One inbound message, as the runner sees it. */
export interface Turn<Db, P extends { id: string }> {
  person: P;
  sender: Sender;
  now: Date;
  receivedAt: Date;
  /** Writes `write` and the replies (to the sender) in ONE transaction. */
  commit(replies: OutboundMessage[], write?: (tx: Db) => Promise<Outgoing[] | void>): Promise<void>;
  /** The tapped card's text once handled ("已选：是"): the channel replaces its buttons with it. */
  markCard?(label: string): void;
}

export interface RunnerDeps<Db, P extends { id: string }> {
  flows: FlowRegistry;
  /** The client, for reads outside a transaction. */
  db: Db;
  store: (db: Db) => SessionStore;
  /** The engine's context for a channel (towns, capabilities, help contact); choices are added here. */
  flowContext: (db: Db, channel: string, now: Date) => Promise<FlowContext>;
  /** The main menu, for the engine's "菜单". */
  menu: (person: P, channel: string) => OutboundMessage;
  /** Menu words (菜单, 帮助, 待我审批…): flows with leaveOnMenuWords end on them. */
  isMenuWord: (text: string) => boolean;
  newId: () => string;
}

/** The session was saved by someone else (another channel of the same person) since it was read. */
export class SessionChangedError extends ConflictError {
  constructor() {
    super("您正在办理的事项刚刚在另一台设备或另一个渠道上更新过，这条回复没有记录。回复“继续”查看当前的问题。");
  }
}

export interface StartOptions {
  personId: string;
  channel: ChannelName;
  userId: string;
  flowId: string;
  /** The conversation's own data (subject ids, `choices` for choiceSource "context" steps). */
  context?: SessionContext;
  prefill?: Answers;
  onlyFields?: string[];
  notice?: string;
  /** Sent instead of the flow's opening (e.g. a card of known facts); a pause notice still goes first. */
  opening?: OutboundMessage[];
}

/** Whether a flow is a short dialog that owns every text but cancel and menu words (6.3 a opinions). */
export function ownsEveryText(flow: FlowDefinition): boolean {
  return flow.conversation?.leaveOnMenuWords === true;
}

const DEFAULT_RESUMED = "我们回到之前的对话。回复“继续”查看当前的问题。";

export function createConversationRunner<Db, P extends { id: string }>(deps: RunnerDeps<Db, P>) {
  const { flows } = deps;
  const own = new Map<string, Registered>();

  const completionOf = (flowId: string) => own.get(flowId) ?? globalCompletions.get(flowId);
  // A loaded session resolves its flow once (a migrateState runs once per message).
  const resolved = new WeakMap<StoredSession, ReturnType<FlowRegistry["forState"]>>();
  const resolve = (s: StoredSession) => {
    let r = resolved.get(s);
    if (!r) resolved.set(s, (r = flows.forState(s.state)));
    return r;
  };

  async function engineContext(db: Db, channel: string, now: Date, context: SessionContext): Promise<FlowContext> {
    return { ...(await deps.flowContext(db, channel, now)), choices: context.choices ?? {} };
  }

  /** Card ids unique per app, not only per session (WeCom task_ids are app-wide). */
  function uniqueCardIds(replies: OutboundMessage[]): OutboundMessage[] {
    return replies.map((m) => (m.kind === "card" ? { ...m, card: { ...m.card, id: `${m.card.id}-${deps.newId().slice(0, 12)}`.slice(0, 128) } } : m));
  }

  /** The session `ended` paused another one: that one is ACTIVE again, and its person is told. */
  async function resumePaused(tx: Db, ended: StoredSession): Promise<Outgoing[]> {
    const id = ended.context.pausedSessionId;
    if (!id) return [];
    const store = deps.store(tx);
    const paused = await store.byId(id);
    if (!paused || paused.status !== "PAUSED") return [];
    if (!(await store.save(paused.id, paused.revision, { status: "ACTIVE" }))) return [];
    const texts = flowTexts(flows.forState(paused.state).flow);
    return [{ channel: paused.channel as ChannelName, userId: paused.userId, personId: paused.personId, message: { kind: "text", text: texts.resumed ?? DEFAULT_RESUMED } }];
  }

  /** What ending `s` also writes: nothing, or (forgetOnEnd, 8.1) the state without answers. */
  const forgetting = (s: StoredSession) => forgetPatch(resolve(s).flow, s.state);

  /** Ends a session (lock-checked) and resumes the one it paused. */
  async function end(tx: Db, s: StoredSession, status: SessionStatus, now: Date): Promise<Outgoing[]> {
    if (!(await deps.store(tx).save(s.id, s.revision, { status, lastActivityAt: now, ...forgetting(s) }))) throw new SessionChangedError();
    return resumePaused(tx, s);
  }

  /**
   * The person's active conversation, or null. A short dialog idle past its lifetime lapses here
   * (EXPIRED; what it paused resumes), so a later message is never taken as its answer.
   */
  async function current(person: { id: string }, now: Date): Promise<StoredSession | null> {
    const store = deps.store(deps.db);
    const s = await store.active(person.id);
    if (!s) {
      // Nothing active but something paused: what paused it was ended elsewhere (an application
      // withdrawn mid-revision). It is the person's conversation again.
      const orphan = await store.newestPaused(person.id);
      if (orphan && (await store.save(orphan.id, orphan.revision, { status: "ACTIVE" }))) return store.byId(orphan.id);
      return null;
    }
    const minutes = resolve(s).flow.conversation?.lifetimeMinutes;
    if (minutes === undefined || now.getTime() - s.lastActivityAt.getTime() <= minutes * 60_000) return s;
    if (await store.save(s.id, s.revision, { status: "EXPIRED", ...forgetting(s) })) await resumePaused(deps.db, s);
    return store.active(person.id);
  }

  /**
   * Starts `flowId` for a person, from a message or from a service (a return starts the revision).
   * The person's active conversation is paused (its texts.paused is sent) and resumes when this one
   * ends; a flow with restart "replace" drops a running one of its own kind instead.
   */
  async function startConversation(tx: Db, o: StartOptions & { now: Date }): Promise<Outgoing[]> {
    const flow = flows.get(o.flowId);
    const store = deps.store(tx);
    const context: SessionContext = { ...(o.context ?? {}) };
    const ctx = await engineContext(tx, o.channel, o.now, context);
    const { state, replies } = startFlow(flow, ctx, { prefill: o.prefill, onlyFields: o.onlyFields, notice: o.notice });
    const running = await store.active(o.personId);
    const before: OutboundMessage[] = [];
    if (running) {
      const replace = running.flowId === flow.id && flow.conversation?.restart === "replace";
      if (!(await store.save(running.id, running.revision, replace ? { status: "ABANDONED", ...forgetting(running) } : { status: "PAUSED" }))) throw new SessionChangedError();
      if (replace) {
        if (running.context.pausedSessionId) context.pausedSessionId = running.context.pausedSessionId;
      } else {
        context.pausedSessionId = running.id;
        const paused = flowTexts(flows.forState(running.state).flow).paused;
        if (paused) before.push({ kind: "text", text: paused });
      }
    }
    await store.create({ personId: o.personId, channel: o.channel, userId: o.userId, state, context, now: o.now });
    return uniqueCardIds([...before, ...(o.opening ?? replies)]).map((message) => ({ channel: o.channel, userId: o.userId, personId: o.personId, message }));
  }

  /** Starts a conversation from the person's own message. */
  async function start(turn: Turn<Db, P>, flowId: string, opts: { context?: SessionContext } = {}): Promise<void> {
    await turn.commit([], (tx) => startConversation(tx, { personId: turn.person.id, channel: turn.sender.channel, userId: turn.sender.userId, flowId, context: opts.context, now: turn.now }));
  }

  /**
   * One message for the active conversation `s`. "left": a menu word ended a dialog that leaves on
   * them, and the message is still to be handled as that command. Otherwise it was answered here.
   */
  async function answer(turn: Turn<Db, P>, s: StoredSession, input: FlowInput): Promise<"handled" | "left"> {
    const { flow, state } = resolve(s);
    const texts = flowTexts(flow);
    if (input.kind === "text") {
      const word = normalizeWord(input.text);
      if ((flow.conversation?.cancelWords ?? []).some((w) => normalizeWord(w) === word)) {
        await turn.commit(texts.cancelled ? [{ kind: "text", text: texts.cancelled }] : [], (tx) => end(tx, s, "ABANDONED", turn.now));
        return "handled";
      }
      if (flow.conversation?.leaveOnMenuWords && deps.isMenuWord(input.text)) {
        await turn.commit(texts.left ? [{ kind: "text", text: texts.left }] : [], (tx) => end(tx, s, "ABANDONED", turn.now));
        return "left";
      }
      // The same text again before the next question reached the person: not an answer to it.
      if (await isRepeatedAnswer(s, input.text, turn.receivedAt, (since, until) => deps.store(deps.db).deliveredSince(turn.sender.channel, turn.sender.userId, since, until))) {
        await turn.commit([{ kind: "text", text: REPEAT_NOTICE }]);
        return "handled";
      }
    }
    // The answer belongs to its question: a message received no later than the moment another
    // device's answer moved this conversation on was written for the earlier question.
    const otherDevice = s.channel !== turn.sender.channel || s.userId !== turn.sender.userId;
    if (otherDevice && s.lastInputAt && turn.receivedAt.getTime() <= s.lastActivityAt.getTime()) throw new SessionChangedError();
    const ctx = await engineContext(deps.db, turn.sender.channel, turn.now, s.context);
    const result = step(flow, state, input, ctx);
    const cardLabel = input.kind === "button" ? tappedCardLabel(flow, state, result.state, input.key, ctx) : null;
    const submit = result.commands.find((c) => c.type === "submit");
    const completion = submit ? completionOf(flow.id) : undefined;
    let status: SessionStatus = "ACTIVE";
    if (submit) status = "DONE";
    else if (result.commands.some((c) => c.type === "cancelled")) status = "CANCELLED";
    let replies = uniqueCardIds(result.replies);
    if (result.commands.some((c) => c.type === "menu")) replies.push(deps.menu(turn.person, turn.sender.channel));
    const args = (tx: Db): CompletionArgs<Db, P> => ({ tx, person: turn.person, sender: turn.sender, answers: submit!.answers, context: s.context, now: turn.now, revisedFields: submit!.revisedFields });
    const dropDone = (out: Outgoing[]) => {
      // The handler says where the answers went (e.g. which approval stage): the flow's generic
      // closing line would only repeat it, or say the wrong thing for a revision.
      if (out.some((m) => m.channel === turn.sender.channel && m.userId === turn.sender.userId)) replies = replies.filter((r) => !(r.kind === "text" && r.text === texts.done));
    };
    const toSender = (messages: OutboundMessage[]): Outgoing[] => messages.map((message) => ({ channel: turn.sender.channel, userId: turn.sender.userId, personId: turn.person.id, message }));
    try {
      // Replies go out in the same transaction, after the completion ran (it may replace the done text).
      const write = async (tx: Db) => {
        const out: Outgoing[] = [];
        if (completion && !completion.opts.afterCommit) {
          out.push(...(await (completion.handler as CompletionHandler<Db, P>)(args(tx))));
          dropDone(out);
        }
        // Ended: a forgetOnEnd flow's answers go only after its handler (above) had them (8.1).
        const ended = status === "DONE" || status === "CANCELLED" ? forgetPatch(flow, result.state) : {};
        const saved = await deps.store(tx).save(s.id, s.revision, { state: result.state, status, channel: turn.sender.channel, userId: turn.sender.userId, lastActivityAt: turn.now, ...answerTaken(state, result.state, input, turn.receivedAt), ...ended });
        // Another device or channel of the same person answered first. Retrying this message against
        // the newer state would file it under the next question: tell the person instead.
        if (!saved) throw new SessionChangedError();
        if (status === "DONE" || status === "CANCELLED") out.push(...(await resumePaused(tx, s)));
        return [...toSender(replies), ...out];
      };
      if (completion?.opts.afterCommit) {
        replies = replies.filter((r) => !(r.kind === "text" && r.text === texts.done));
        await turn.commit([], write);
        const after = await (completion.handler as CompletionHandler<Db, P>)(args(deps.db));
        if (after.length > 0) await turn.commit([], async () => after);
      } else await turn.commit([], write);
    } catch (err) {
      // The subject moved on meanwhile (withdrawn, decided): this conversation cannot complete.
      if (!(err instanceof DomainError) || err instanceof SessionChangedError || !submit || completion?.opts.afterCommit) throw err;
      await turn.commit([{ kind: "text", text: `${err.message}\n本次修改未提交。` }], (tx) => end(tx, s, "DONE", turn.now));
    }
    // Only once the answer is saved does its card show it.
    if (cardLabel) turn.markCard?.(cardLabel);
    return "handled";
  }

  /** "继续" on a conversation the engine cancelled (its answers kept): it is active again, pausing any other. */
  async function reopen(turn: Turn<Db, P>, s: StoredSession): Promise<void> {
    await turn.commit([], async (tx) => {
      const store = deps.store(tx);
      const running = await store.active(turn.person.id);
      const context: SessionContext = { ...s.context };
      const out: Outgoing[] = [];
      if (running && running.id !== s.id) {
        if (!(await store.save(running.id, running.revision, { status: "PAUSED" }))) throw new SessionChangedError();
        context.pausedSessionId = running.id;
        const paused = flowTexts(resolve(running).flow).paused;
        if (paused) out.push({ channel: turn.sender.channel, userId: turn.sender.userId, personId: turn.person.id, message: { kind: "text", text: paused } });
      }
      if (!(await store.save(s.id, s.revision, { status: "ACTIVE", context }))) throw new SessionChangedError();
      return out;
    });
    const fresh = await deps.store(deps.db).byId(s.id);
    await answer(turn, fresh!, { kind: "text", text: "继续" });
  }

  /** The newest session of `flowId` the person could pick up again (ACTIVE first, then CANCELLED). */
  async function resumable(personId: string, flowId: string): Promise<StoredSession | null> {
    return deps.store(deps.db).latest(personId, flowId, ["ACTIVE", "CANCELLED"]);
  }

  return {
    registerCompletion<D extends Db>(flowId: string, handler: CompletionHandler<D, P>, opts: CompletionOptions = {}) {
      own.set(flowId, { handler: handler as CompletionHandler<never, never>, opts });
    },
    current,
    /** The lapse sweep of forgetOnEnd flows (8.1), for a scheduled job; see lapse-sweep.ts. */
    lapseIdle: (now: Date, take?: number) => lapseIdleConversations({ flows, store: deps.store(deps.db), now, take }),
    answer,
    start,
    startConversation,
    reopen,
    resumable,
    flowOf: (s: StoredSession): FlowDefinition => resolve(s).flow,
  };
}

export type ConversationRunner<Db, P extends { id: string }> = ReturnType<typeof createConversationRunner<Db, P>>;
export type { FlowState };
