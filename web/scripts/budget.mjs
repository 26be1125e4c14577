// The guest app's size budgets (SPEC §9): its JavaScript at most 50 kB gzipped, its CSS 15 kB,
// counting everything web/dist/index.html loads. Prints the sizes; fails over budget.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const dist = join(import.meta.dirname, "../dist");
const BUDGETS = { js: 50 * 1024, css: 15 * 1024 };

export function entrySizes(html = "index.html") {
  const page = readFileSync(join(dist, html), "utf8");
  const files = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(js|css))"/g)];
  const sizes = { js: { raw: 0, gzip: 0, files: [] }, css: { raw: 0, gzip: 0, files: [] } };
  for (const [, path, kind] of files) {
    const bytes = readFileSync(join(dist, path));
    sizes[kind].raw += bytes.length;
    sizes[kind].gzip += gzipSync(bytes, { level: 9 }).length;
    sizes[kind].files.push(path);
  }
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = entrySizes();
  let over = false;
  for (const kind of ["js", "css"]) {
    const { raw, gzip, files } = sizes[kind];
    const ok = gzip <= BUDGETS[kind];
    over ||= !ok;
    console.log(
      `guest ${kind}: ${(gzip / 1024).toFixed(1)} kB gzipped (${(raw / 1024).toFixed(1)} kB raw), budget ${BUDGETS[kind] / 1024} kB${ok ? "" : " — OVER BUDGET"} [${files.join(", ")}]`,
    );
    if (files.length === 0) {
      console.error(`no ${kind} found in dist/index.html`);
      over = true;
    }
  }
  process.exit(over ? 1 : 0);
}
