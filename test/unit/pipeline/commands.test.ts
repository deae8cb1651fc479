import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, COMMAND_OPTIONS, COMMANDS, isPipelineCommand, type CommandOption } from "../../../src/pipeline/commands";

describe("COMMANDS", () => {
  it.each([
    { command: "run", stages: ["extract", "transform", "load"] },
    { command: "extract", stages: ["extract"] },
    { command: "transform", stages: ["transform"] },
    { command: "plan", stages: ["load"] },
    { command: "load", stages: ["load"] },
  ] as const)("runs $stages for etl $command", ({ command, stages }) => {
    expect(COMMANDS[command].stages).toEqual(stages);
    expect(isPipelineCommand(command)).toBe(true);
  });

  it.each(["status", "demo", "discover", "config", "check", "help"] as const)("treats etl %s as no pipeline run of its own", (command) => {
    expect(isPipelineCommand(command)).toBe(false);
  });

  it.each([
    { command: "run", needs: { incidentIo: true, port: true, jq: true } },
    { command: "extract", needs: { incidentIo: true, port: false, jq: true } },
    { command: "transform", needs: { incidentIo: false, port: false, jq: true } },
    { command: "plan", needs: { incidentIo: false, port: false, jq: false } },
    { command: "load", needs: { incidentIo: false, port: true, jq: false } },
    { command: "status", needs: { incidentIo: false, port: false, jq: false } },
    { command: "discover", needs: { incidentIo: false, port: false, jq: false } },
    { command: "help", needs: undefined },
  ] as const)("asks the configuration of etl $command for $needs", ({ command, needs }) => {
    expect(COMMANDS[command].needs).toEqual(needs);
  });

  it("has a user for every option but --verbose and --help, which every command takes", () => {
    const used = new Set<CommandOption>(COMMAND_NAMES.flatMap((name) => COMMANDS[name].options));
    const unused = (Object.keys(COMMAND_OPTIONS) as CommandOption[]).filter((option) => !used.has(option));
    expect(unused).toEqual(["verbose", "help"]);
  });
});
