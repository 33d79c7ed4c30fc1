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

/**
 * Packages a web process seldom needs (PDFs, images, holidays, XML, mail, the job queue) and
 * that cost a cold start 0.1–0.6 s each to load: in the bundle, each is a stand-in that loads
 * the package on first use (synchronously, through require). Only what the code imports from
 * them is listed; a default import is the package's module.exports, as Node gives it.
 */
export const DEFERRED: Record<string, { default?: boolean; named?: string[] }> = {
  pdfkit: { default: true },
  sharp: { default: true },
  "date-holidays": { default: true },
  "fast-xml-parser": { named: ["XMLBuilder", "XMLParser"] },
  "file-type": { named: ["fileTypeFromBuffer"] },
  nodemailer: { default: true },
  "graphile-worker": { named: ["Logger", "run", "runMigrations"] },
  "@simplewebauthn/server": {
    named: [
      "generateAuthenticationOptions",
      "generateRegistrationOptions",
      "verifyAuthenticationResponse",
      "verifyRegistrationResponse",
    ],
  },
};

/** A stand-in: a function proxy that calls, constructs and reads through to `pick()`. */
function standIn(name: string, spec: { default?: boolean; named?: string[] }): string {
  const lines = [
    'import { createRequire } from "node:module";',
    `const require = createRequire(${JSON.stringify(pathToFileURL(path.join(root, "package.json")).href)});`,
    "let loaded;",
    `const load = () => (loaded ??= require(${JSON.stringify(name)}));`,
    "const lazy = (pick) => {",
    "  const proxy = new Proxy(function () {}, {",
    "    apply: (_, self, args) => Reflect.apply(pick(), self, args),",
    "    construct: (_, args, target) => Reflect.construct(pick(), args, target === proxy ? pick() : target),",
    "    get: (_, key) => Reflect.get(pick(), key),",
    "    has: (_, key) => Reflect.has(pick(), key),",
    "  });",
    "  return proxy;",
    "};",
  ];
  if (spec.default) lines.push("export default lazy(load);");
  for (const n of spec.named ?? []) lines.push(`export const ${n} = lazy(() => load().${n});`);
  return lines.join("\n");
}

export const deferPackages: Plugin = {
  name: "defer-packages",
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(DEFERRED).join("|")})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === "deferred"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "deferred" },
    );
    b.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
      contents: standIn(args.path, DEFERRED[args.path] ?? {}),
      loader: "js",
      resolveDir: root,
    }));
  },
};

export async function buildWeb(): Promise<string> {
  const outdir = path.join(root, "dist");
  await build({
    entryPoints: [path.join(root, "src/web.ts")],
    outdir,
    entryNames: "[name]",
    outExtension: { ".js": ".mjs" },
    // Modules imported with import() (the demo's mail sink and PayFiP simulator) stay out of
    // the boot: chunks of their own, loaded when asked for.
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [deferPackages, ownMetaUrl],
  });
  return path.join(outdir, "web.mjs");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildWeb();
