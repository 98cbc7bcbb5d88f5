// `npm start`: the Node server from compiled JavaScript, not through tsx (whose loader and
// on-the-fly TypeScript cost ~90 MB of RSS and seconds of start-up). src/entry/node.ts is bundled
// with esbuild into dist/entry/node.mjs (packages stay in node_modules; ~0.3 s, every start, so
// dist is never stale), then run in this same process.
import { createRequire } from "node:module";
import { build, stop } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// dist/entry/ keeps the entry two folders below the root, as src/entry/ is (start-node finds the
// migrations and the flows from there).
const outfile = join(root, "dist/entry/node.mjs");
await build({
  entryPoints: [join(root, "src/entry/node.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  // JSON data imported from a package is bundled: an external JSON import would lose its
  // `with { type: "json" }` attribute, which Node requires.
  plugins: [
    {
      name: "bundle-package-json",
      setup(b) {
        const require = createRequire(join(root, "package.json"));
        b.onResolve({ filter: /\.json$/, namespace: "file" }, (args) => (/^[@a-z]/.test(args.path) ? { path: require.resolve(args.path) } : undefined));
      },
    },
  ],
});
await stop(); // esbuild's service process is not needed any more
await import(pathToFileURL(outfile).href);
