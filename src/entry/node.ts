// Node runtime entry: `npm start`.
import { ConfigError } from "../config/config.ts";
import { startNode } from "./start-node.ts";

try {
  const running = await startNode({ env: process.env });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
  } else {
    const e = err as Error;
    process.stderr.write(`IP Studio Bot failed to start: ${e.message}\n`);
  }
  process.exit(1);
}
