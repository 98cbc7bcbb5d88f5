// The real Node entry (startNode) for reliability tests run as a child process: listens on a free
// port and prints "READY <port>". TEST_CLOCK_OFFSET_MS shifts the server's clock (e.g. to office
// hours on a working day, so scheduled jobs have work whatever the real time is).
import { startNode } from "../src/entry/start-node.ts";

const offset = Number(process.env.TEST_CLOCK_OFFSET_MS ?? "0");
const running = await startNode({ env: process.env, listenPort: 0, clock: offset ? { now: () => new Date(Date.now() + offset) } : undefined });
process.stdout.write(`READY ${running.port}\n`);
process.once("SIGTERM", () => {
  running.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
