// What the studio conversations (6.3 b set-up, 6.4 roster and manager) share: where to reach a
// person, which studios a person belongs to, and the actor recorded in the audit log.
import type { ChannelName } from "../../domain/chat.ts";
import type { PersonView } from "../../storage/directory.ts";
import type { Tx } from "../../storage/database.ts";
import type { StudioActor } from "../studios/studio-records.ts";

/** Where a person is reached for a conversation a service starts: their latest conversation's channel, else any identity. */
export async function reachOf(tx: Tx, personId: string): Promise<{ channel: ChannelName; userId: string } | null> {
  const last = await tx.conversationSession.findFirst({ where: { personId }, orderBy: { updatedAt: "desc" }, select: { channel: true, externalUserId: true } });
  if (last) return { channel: last.channel as ChannelName, userId: last.externalUserId };
  const identity = await tx.channelIdentity.findFirst({ where: { personId }, orderBy: { createdAt: "asc" } });
  return identity ? { channel: identity.channel as ChannelName, userId: identity.externalId } : null;
}

export function chatActor(person: PersonView, channel: string, role?: string): StudioActor {
  return { personId: person.id, role: role ?? (person.roles.map((r) => r.role).join(",") || null), channel };
}

/**
 * The studios a person belongs to on the enterprise side: an active enterprise member, the
 * application's applicant, or an ENTERPRISE_MANAGER / ENTERPRISE_HEAD of the enterprise. Newest first.
 */
export async function enterpriseStudiosOf(tx: Tx, person: PersonView) {
  const enterpriseIds = person.roles.filter((r) => (r.role === "ENTERPRISE_MANAGER" || r.role === "ENTERPRISE_HEAD") && r.enterpriseId).map((r) => r.enterpriseId!);
  return tx.studio.findMany({
    where: {
      status: { not: "CLOSED" },
      OR: [{ members: { some: { personId: person.id, side: "ENTERPRISE", leftAt: null } } }, { application: { applicantId: person.id } }, ...(enterpriseIds.length ? [{ enterpriseId: { in: enterpriseIds } }] : [])],
    },
    include: { enterprise: { select: { name: true, townId: true } } },
    orderBy: { approvedAt: "desc" },
  });
}

/** The studio's designated manager (6.4 b), if any. */
export async function designatedManager(tx: Tx, studioId: string) {
  return tx.studioMember.findFirst({ where: { studioId, side: "ENTERPRISE", isManager: true, leftAt: null }, include: { person: { select: { id: true, name: true } } } });
}
