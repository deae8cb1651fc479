import { describe, expect, it } from "vitest";
import { commandHelp, USAGE } from "../../../src/cli/help";
import { SETTINGS, type SettingSpec } from "../../../src/config/settings";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS } from "../../../src/pipeline/commands";

const section = (title: string) => USAGE.slice(USAGE.indexOf(`${title}:\n`)).split("\n").slice(1);

describe("USAGE", () => {
  it("lists the commands of the command table, in its order", () => {
    const listed = section("Commands").slice(0, COMMAND_NAMES.length + 1).map((line) => /^ {2}(\w+) /.exec(line)?.[1]);
    expect(listed).toEqual([...COMMAND_NAMES, undefined]);
  });

  it("describes every flag parseCommandLine takes, and no other, under Options or on the line of the command using it", () => {
    const options = section("Options").flatMap((line) => /^ {2}(?:-\w, )?(--[\w-]+)/.exec(line)?.[1] ?? []);
    const onCommandLines = section("Commands").slice(0, COMMAND_NAMES.length).flatMap((line) => line.match(/--[\w-]+/g) ?? []);
    const described = [...new Set([...options, ...onCommandLines])];
    const settingFlags = (Object.values(SETTINGS) as SettingSpec[]).flatMap((spec) => spec.flag ?? []);
    const commandOptions = Object.keys(COMMAND_OPTIONS).map((name) => `--${name}`);
    expect(described.sort()).toEqual(["--config", ...settingFlags, ...commandOptions].sort());
  });
});

describe("commandHelp", () => {
  it.each(COMMAND_NAMES.filter((name) => name !== "help"))("shows etl %s's usage, its own options and an example", (name) => {
    const text = commandHelp(name);
    expect(text).toMatch(new RegExp(`^Usage: pnpm etl ${name}\\b`));
    expect(text).toContain(COMMANDS[name].summary);
    for (const option of COMMANDS[name].options) expect(text).toMatch(new RegExp(`^ {2}(?:-\\w, )?--${option}\\b`, "m"));
    expect(text).toContain(`Example:\n  ${COMMANDS[name].example}`);
    expect(text).toContain("--db FILE");
  });

  it("lists only the command's own options above the common ones", () => {
    const own = commandHelp("status").split("Options of every command:")[0] ?? "";
    expect(own).toContain("--runs N");
    expect(own).not.toContain("--reconcile");
  });
});
