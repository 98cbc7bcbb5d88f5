// The fake WeCom API (test/support/child-server.ts serveFakeWecom) in a process of its own, for
// the drain benchmark: its HTTP parsing and bookkeeping run on another core rather than on the
// event loop being measured, and the floor loop and the dispatcher pay exactly the same fake.
// Talks over IPC: sends {port} once listening; answers "stats", "sentAt" and {setNow: skewMs}.
import { serveFakeWecom } from "../support/child-server.ts";

const { fake, base, close } = await serveFakeWecom();
let skew = 0;
process.on("message", (m: { id: number; op: "stats" | "sentAt" | "setNow" | "close"; skewMs?: number }) => {
  const reply = (body: unknown) => process.send!({ id: m.id, body });
  if (m.op === "stats") {
    const distinct = new Set(fake.sent.map((s) => `${s.touser}\u0000${s.content ?? ""}`)).size;
    reply({ sent: fake.sent.length, distinct, dropped: fake.dropped.length, tokenRequests: fake.tokenRequests });
  } else if (m.op === "sentAt") {
    reply(fake.sent.map((s) => s.at.getTime()));
  } else if (m.op === "setNow") {
    skew = m.skewMs ?? 0;
    fake.setNow(() => new Date(Date.now() + skew));
    reply(true);
  } else if (m.op === "close") {
    void close().then(() => {
      reply(true);
      process.disconnect();
    });
  }
});
process.send!({ id: 0, body: { base } });
