// The apps' size budgets (SPEC §9): the guest app's JavaScript at most 50 kB gzipped and its CSS
// 15 kB; the staff app's JavaScript at most 120 kB and its CSS 20 kB; each counting every file
// its entry loads, at once or later (Vite's manifest says which). Prints the sizes; fails over
// budget.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = join(import.meta.dirname, "../dist");
export const ENTRIES = {
  guest: { entry: "index.html", budgets: { js: 50 * 1024, css: 15 * 1024 } },
  staff: { entry: "staff/index.html", budgets: { js: 120 * 1024, css: 20 * 1024 } },
};

/** The files of an entry (e.g. `index.html`): its chunk, the chunks it imports, and their CSS. */
function filesOf(entry) {
  const manifest = JSON.parse(readFileSync(join(dist, ".vite/manifest.json"), "utf8"));
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const css of chunk.css ?? []) files.add(css);
    for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
  };
  visit(entry);
  return [...files];
}

export function entrySizes(entry = "index.html") {
  const sizes = { js: { raw: 0, gzip: 0, files: [] }, css: { raw: 0, gzip: 0, files: [] } };
  for (const file of filesOf(entry)) {
    const kind = file.endsWith(".css") ? "css" : "js";
    const bytes = readFileSync(join(dist, file));
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes, { level: 9 }).length;
    sizes[kind].files.push(file);
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let over = false;
  for (const [app, { entry, budgets }] of Object.entries(ENTRIES)) {
    const sizes = entrySizes(entry);
    for (const kind of ["js", "css"]) {
      const { raw, gzip, files } = sizes[kind];
      const ok = gzip <= budgets[kind] && files.length > 0;
      over ||= !ok;
      console.log(
        `${app} ${kind}: ${(gzip / 1024).toFixed(1)} kB gzipped (${(raw / 1024).toFixed(1)} kB raw), budget ${budgets[kind] / 1024} kB${ok ? "" : " — OVER BUDGET"} [${files.join(", ")}]`,
      );
    }
  }
  process.exit(over ? 1 : 0);
}
