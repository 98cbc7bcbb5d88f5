// 8.1: a conversation of a forgetOnEnd flow (an anonymous survey) abandoned half-way must not keep
// its answers with the person until they happen to write again, when the runner would lapse it.
// A scheduled job calls this to lapse such conversations once idle past their lifetime.
import type { FlowRegistry } from "./flow-registry.ts";
import type { FlowDefinition } from "./flow-schema.ts";
import { forgetPatch } from "./forget-on-end.ts";
import type { SessionStore } from "./session-store.ts";

const lifetime = (f: FlowDefinition) => (f.conversation?.forgetOnEnd ? f.conversation.lifetimeMinutes : undefined);

/**
 * EXPIRED, without answers, for every ACTIVE conversation of a forgetOnEnd flow with a lifetime,
 * idle longer than that. What one had paused stays PAUSED: the runner makes it the person's
 * conversation again at their next message (as after any conversation ended elsewhere).
 */
export async function lapseIdleConversations(deps: { flows: FlowRegistry; store: SessionStore; now: Date; take?: number }): Promise<number> {
  const { store, now } = deps;
  const shortest = new Map<string, number>();
  for (const f of deps.flows.list()) {
    const m = lifetime(f);
    if (m !== undefined) shortest.set(f.id, Math.min(m, shortest.get(f.id) ?? m));
  }
  let lapsed = 0;
  for (const [flowId, minutes] of shortest) {
    for (const s of await store.idleActive(flowId, new Date(now.getTime() - minutes * 60_000), deps.take ?? 500)) {
      const flow = deps.flows.forState(s.state).flow; // the session's own version decides
      const m = lifetime(flow);
      if (m === undefined || now.getTime() - s.lastActivityAt.getTime() <= m * 60_000) continue;
      // A false save: the person answered meanwhile, so it is not idle any more.
      if (await store.save(s.id, s.revision, { status: "EXPIRED", ...forgetPatch(flow, s.state) })) lapsed++;
    }
  }
  return lapsed;
}
