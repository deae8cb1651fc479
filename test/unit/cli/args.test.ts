import { describe, expect, it } from "vitest";
import { parseCommandLine, planLimit } from "../../../src/cli/args";

describe("parseCommandLine", () => {
  it.each([
    { name: "reads incidents and follow-ups incrementally unless told otherwise", argv: ["run"], expected: false },
    { name: "asks for a full extract with --full-refresh", argv: ["run", "--full-refresh"], expected: true },
    { name: "takes --full-refresh on etl extract too", argv: ["extract", "--full-refresh"], expected: true },
    { name: "takes --full-refresh on etl transform, which then maps every record again", argv: ["transform", "--full-refresh"], expected: true },
  ])("$name", ({ argv, expected }) => {
    expect(parseCommandLine(argv).fullRefresh).toBe(expected);
  });
});

describe("parseCommandLine: help", () => {
  it.each([
    { argv: [], command: "help", topic: undefined },
    { argv: ["--help"], command: "help", topic: undefined },
    { argv: ["help"], command: "help", topic: undefined },
    { argv: ["help", "run"], command: "help", topic: "run" },
    { argv: ["plan", "--help"], command: "help", topic: "plan" },
    { argv: ["load", "-h"], command: "help", topic: "load" },
    { argv: ["status", "--runs", "3", "--help"], command: "help", topic: "status" },
  ])("reads $argv as $command about $topic", ({ argv, command, topic }) => {
    const cli = parseCommandLine(argv);
    expect(cli.command).toBe(command);
    expect(cli.helpTopic).toBe(topic);
  });
});

describe("parseCommandLine: unknown input", () => {
  const message = (argv: string[]) => {
    try {
      parseCommandLine(argv);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${argv.join(" ")} was accepted`);
  };

  it.each([
    { argv: ["trasnform"], says: 'unknown command "trasnform": did you mean transform?' },
    { argv: ["help", "stauts"], says: 'unknown command "stauts": did you mean status?' },
    { argv: ["plan", "--lmit", "5"], says: "unknown flag --lmit: did you mean --limit?" },
    { argv: ["run", "--dry-run"], says: "unknown flag (see etl help for the flags)" },
    { argv: ["run", "-x"], says: "unknown flag (see etl help for the flags)" },
    { argv: ["status", "--reconcile"], says: "--reconcile is not an option of status (see etl help status)" },
    { argv: ["plan", "--limit", "0"], says: "--limit: must be a positive whole number, got 0" },
    { argv: ["plan", "--limit", "5", "--all"], says: "--limit and --all: give one" },
    { argv: ["help", "run", "plan"], says: "help takes one command" },
  ])("says $says for $argv", ({ argv, says }) => {
    expect(message(argv)).toContain(says);
  });

  it.each([
    { argv: ["sk_live_8f2a9c1d77"], secret: "sk_live_8f2a9c1d77" },
    { argv: ["xqzvbnmw"], secret: "xqzvbnmw" },
    { argv: ["run", "--Sk_8f2a9c1d=1"], secret: "Sk_8f2a9c1d" },
    { argv: ["run", "--skliveabcdef123"], secret: "skliveabcdef123" },
  ])("does not echo $secret, which reads like no command or flag", ({ argv, secret }) => {
    const text = message(argv);
    expect(text).not.toContain(secret);
    expect(text).toMatch(/unknown (command|flag)/);
  });

  it("does not take a flag's value for a flag", () => {
    expect(parseCommandLine(["run", "--db=-staging.sqlite"]).configFlags.db).toBe("-staging.sqlite");
    expect(parseCommandLine(["plan", "--only", "incidents", "--limit", "7"]).limit).toBe(7);
  });
});

describe("planLimit", () => {
  it.each([
    { cli: { limit: undefined, all: false }, onTerminal: true, expected: 20 },
    { cli: { limit: undefined, all: false }, onTerminal: false, expected: Infinity },
    { cli: { limit: 5, all: false }, onTerminal: false, expected: 5 },
    { cli: { limit: undefined, all: true }, onTerminal: true, expected: Infinity },
  ])("lists $expected changes for $cli (terminal: $onTerminal)", ({ cli, onTerminal, expected }) => {
    expect(planLimit(cli, onTerminal)).toBe(expected);
  });

  it("lists every change with --json, on a terminal too", () => {
    expect(planLimit(parseCommandLine(["plan", "--json", "--limit", "3"]), true)).toBe(Infinity);
  });
});
