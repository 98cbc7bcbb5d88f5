import type { Sender } from "../domain/chat.ts";
import type { Role, RoleGrantView } from "../domain/roles.ts";
import type { PrismaClient } from "./database.ts";

export interface PersonView {
  id: string;
  name: string;
  mobile: string | null;
  roles: RoleGrantView[];
}

export interface Recipient {
  personId: string;
  channel: Sender["channel"];
  userId: string;
}

function view(p: { id: string; name: string; mobile: string | null; roles: { role: string; townId: string | null; enterpriseId: string | null; agencyId: string | null }[] }): PersonView {
  return { id: p.id, name: p.name, mobile: p.mobile, roles: p.roles.map((r) => ({ role: r.role as Role, townId: r.townId, enterpriseId: r.enterpriseId, agencyId: r.agencyId })) };
}

const activeRoles = { roles: { where: { revokedAt: null } } } as const;

/** People, their channel identities and role grants. */
/** Works on the client or inside a transaction (pass the transaction's client). */
export function createDirectory(prisma: Pick<PrismaClient, "channelIdentity" | "person" | "roleGrant">) {
  return {
    /** The person behind a channel identity; a first contact becomes a new person. */
    async resolve(sender: Sender, displayName?: string): Promise<PersonView> {
      const found = await prisma.channelIdentity.findUnique({
        where: { channel_externalId: { channel: sender.channel, externalId: sender.userId } },
        include: { person: { include: activeRoles } },
      });
      if (found) return view(found.person);
      try {
        const created = await prisma.person.create({
          data: { name: displayName ?? sender.userId, identities: { create: [{ channel: sender.channel, externalId: sender.userId, displayName: displayName ?? null }] } },
          include: activeRoles,
        });
        return view(created);
      } catch (err) {
        // Two first messages at once: the other one created it.
        if ((err as { code?: string }).code !== "P2002") throw err;
        const again = await prisma.channelIdentity.findUniqueOrThrow({
          where: { channel_externalId: { channel: sender.channel, externalId: sender.userId } },
          include: { person: { include: activeRoles } },
        });
        return view(again.person);
      }
    },

    /** How many channel identities the person has (one: only the account they are writing from). */
    identityCount(personId: string): Promise<number> {
      return prisma.channelIdentity.count({ where: { personId } });
    },

    async get(personId: string): Promise<PersonView | null> {
      const p = await prisma.person.findUnique({ where: { id: personId }, include: activeRoles });
      return p ? view(p) : null;
    },

    /** Every channel identity of the people holding a role (optionally in one town). */
    async recipientsWithRole(role: Role, townId?: string | null): Promise<Recipient[]> {
      const grants = await prisma.roleGrant.findMany({
        where: { role, revokedAt: null, ...(townId ? { townId } : {}) },
        include: { person: { include: { identities: true } } },
      });
      return uniqueRecipients(grants.map((g) => g.person));
    },

    /** Where to reach a person: every linked channel identity. */
    async recipientsOf(personId: string): Promise<Recipient[]> {
      const p = await prisma.person.findUnique({ where: { id: personId }, include: { identities: true } });
      return p ? uniqueRecipients([p]) : [];
    },
  };
}

function uniqueRecipients(people: { id: string; identities: { channel: string; externalId: string }[] }[]): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const p of people) {
    for (const i of p.identities) {
      const key = `${i.channel}:${i.externalId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ personId: p.id, channel: i.channel as Recipient["channel"], userId: i.externalId });
    }
  }
  return out;
}

export type Directory = ReturnType<typeof createDirectory>;

/** The 镇街 an applicant may choose (admins deactivate merged ones), in the seeded order. */
export function activeTowns(db: Pick<PrismaClient, "town">): Promise<{ id: string; name: string }[]> {
  return db.town.findMany({ where: { active: true }, orderBy: { sortOrder: "asc" }, select: { id: true, name: true } });
}
