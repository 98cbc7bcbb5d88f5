// Flows are imported statically (no fs at run time: this also runs on Cloudflare Workers) and
// validated here, so a broken flow fails at start-up rather than mid-conversation.
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import type { FlowState } from "./engine-types.ts";
import { FlowSchema, type FlowDefinition } from "./flow-schema.ts";

export interface FlowRegistry {
  /** The exact version, or the latest when version is omitted. Throws NotFoundError. */
  get(id: string, version?: number): FlowDefinition;
  /** Every registered flow, old versions included (states saved under them still resolve). */
  list(): FlowDefinition[];
  /**
   * The flow a saved state runs on: its own version while registered (sessions finish on the
   * version they started with), else the latest through its declared migrateState.
   */
  forState(state: FlowState): { flow: FlowDefinition; state: FlowState; migrated: boolean };
}

export function createFlowRegistry(flows: readonly FlowDefinition[]): FlowRegistry {
  const byId = new Map<string, FlowDefinition[]>();
  for (const flow of flows) {
    const r = FlowSchema.safeParse(flow);
    if (!r.success) {
      const where = (flow as { id?: unknown }).id;
      const issues = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
      throw new ValidationError(`invalid flow ${String(where)}: ${issues.join("; ")}`, { issues });
    }
    const versions = byId.get(flow.id) ?? [];
    if (versions.some((f) => f.version === flow.version))
      throw new ValidationError(`flow ${flow.id}@${flow.version} registered twice`);
    // Keep the caller's object (not zod's copy): it carries migrateState and caches by identity.
    versions.push(flow);
    versions.sort((a, b) => a.version - b.version);
    byId.set(flow.id, versions);
  }
  return {
    get(id, version) {
      const versions = byId.get(id);
      const flow = version === undefined ? versions?.at(-1) : versions?.find((f) => f.version === version);
      if (!flow) throw new NotFoundError(`flow ${id}${version === undefined ? "" : `@${version}`} not found`, { id, version });
      return flow;
    },
    list: () => [...byId.values()].flat(),
    forState(state) {
      const versions = byId.get(state.flowId) ?? [];
      const exact = versions.find((f) => f.version === state.flowVersion);
      if (exact) return { flow: exact, state, migrated: false };
      const latest = versions.at(-1);
      if (!latest?.migrateState) throw new NotFoundError(`flow ${state.flowId}@${state.flowVersion} is no longer registered and ${state.flowId} declares no migrateState`, { id: state.flowId, version: state.flowVersion });
      const moved = { ...(latest.migrateState(state, state.flowVersion) as FlowState), flowId: latest.id, flowVersion: latest.version };
      return { flow: latest, state: moved, migrated: true };
    },
  };
}
