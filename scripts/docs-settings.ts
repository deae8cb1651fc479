// Rewrites the settings table of docs/configuration.md from src/config/settings.ts (`pnpm docs:settings`).
// test/integration/docs/configuration.test.ts fails when the file differs from what this writes.
import { readFileSync, writeFileSync } from "node:fs";
import { withSettingsTable } from "../src/config/settings-table";

const file = new URL("../docs/configuration.md", import.meta.url);
const before = readFileSync(file, "utf8");
const after = withSettingsTable(before);
if (after !== before) writeFileSync(file, after);
console.log(after === before ? "docs/configuration.md: settings table up to date" : "docs/configuration.md: settings table rewritten");
