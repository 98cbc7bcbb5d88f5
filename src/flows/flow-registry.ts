// Flows are imported statically (no fs at run time: this also runs on Cloudflare Workers) and
// validated here, so a broken flow fails at start-up rather than mid-conversation.
import { NotFoundError, ValidationError } from "../domain/errors.ts";
import { FlowSchema, type FlowDefinition } from "./flow-schema.ts";

export interface FlowRegistry {
  /** The exact version, or the latest when version is omitted. Throws NotFoundError. */
  get(id: string, version?: number): FlowDefinition;
  /** Every registered flow, old versions included (states saved under them still resolve). */
  list(): FlowDefinition[];
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
  };
}
