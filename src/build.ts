import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

/**
 * `npm run build`: the web process as one ES module, dist/web.mjs (docs/decisions/0011).
 * Through tsx, each of the ~400 source modules and every package module it imports crosses
 * the loader hooks' thread: that took seconds of a cold start. Packages stay external (Node
 * loads them itself); each source file keeps its own import.meta.url, so the paths it builds
 * from it (templates, tenants, data, assets) are the same as when run from source.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const ownMetaUrl: Plugin = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replaceAll(
        "import.meta.url",
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: "ts",
    }));
  },
};

export async function buildWeb(): Promise<string> {
  const outfile = path.join(root, "dist/web.mjs");
  await build({
    entryPoints: [path.join(root, "src/web.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [ownMetaUrl],
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
