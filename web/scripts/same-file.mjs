// `npm run types:check`: fails when the committed API types differ from what
// docs/openapi.yaml generates now, and says how to bring them up to date.
import { readFileSync } from "node:fs";

const [committed, fresh] = process.argv.slice(2);
if (readFileSync(committed, "utf8") !== readFileSync(fresh, "utf8")) {
  console.error(
    `${committed} is stale: docs/openapi.yaml changed. Run \`npm run types\` in web/ and commit it.`,
  );
  process.exit(1);
}
console.log(`${committed} matches docs/openapi.yaml`);
