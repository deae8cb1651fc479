import type { EffectiveSetting } from "../config/effective-settings";
import { printable } from "./printable";

/**
 * `etl config` as a table (setting, value, source), one row a setting, then one line for each value
 * that is refused. Secrets show only that they are set and where from.
 */
export function renderSettings(settings: readonly EffectiveSetting[]): string {
  const rows = [["setting", "value", "source"], ...settings.map((setting) => [setting.label, setting.value, setting.source].map(printable))];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  ").trimEnd());
  for (const setting of settings) {
    if (setting.problem) lines.push(printable(`refused: ${setting.source}: ${setting.problem}`));
  }
  return `${lines.join("\n")}\n`;
}
