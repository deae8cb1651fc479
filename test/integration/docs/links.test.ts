import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const pages = ["README.md", ...readdirSync(join(repo, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const text = (page: string) => readFileSync(join(repo, page), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

const anchorsOf = (page: string) => new Set([...text(page).matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] ?? "")));

/** Markdown links outside code: `[text](target)`. */
function linksOf(page: string): string[] {
  const prose = text(page).replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
}

describe.each(pages)("%s", (page) => {
  it("links only to files of the repository, and to headings they have", () => {
    for (const link of linksOf(page).filter((l) => !/^https?:/.test(l))) {
      const [path = "", anchor] = link.split("#");
      const target = path === "" ? page : relative(repo, join(repo, dirname(page), path));
      expect(existsSync(join(repo, target)), `${page} → ${link}`).toBe(true);
      if (anchor !== undefined) expect(anchorsOf(target), `${page} → ${link}`).toContain(anchor);
    }
  });

  it("points to nothing a clone lacks: no shared folder, design notes, reference notes, issue numbers or machine paths", () => {
    const forbidden = [/\.\.\/shared/, /\bshared\//, /DESIGN\.md/, /\breference\//, /\bissue #?\d+/i, /\/work\//, /\/home\//, /\/root\//, /\/tmp\//];
    for (const pattern of forbidden) expect(text(page), `${page}: ${pattern}`).not.toMatch(pattern);
  });

  it("names only repository paths that exist", () => {
    const named = [...text(page).matchAll(/`((?:src|db|test|bench|resources|deploy|scripts|spec|migrations|docs)\/[\w./-]*)`/g)].map((m) => m[1] ?? "");
    for (const path of named) expect(existsSync(join(repo, path)), `${page}: ${path}`).toBe(true);
  });
});

describe("docs/guarantees.md", () => {
  it("names, under each guarantee, at least one test that proves it", () => {
    const guarantees = text("docs/guarantees.md").split(/^- \*\*/m).slice(1);
    expect(guarantees.length).toBeGreaterThanOrEqual(15);
    for (const guarantee of guarantees) {
      const title = guarantee.slice(0, guarantee.indexOf("**"));
      const tests = [...guarantee.matchAll(/`((?:test|bench)\/[\w./-]+\.ts)`/g)].map((m) => m[1] ?? "");
      expect(tests.length, title).toBeGreaterThan(0);
      for (const test of tests) expect(existsSync(join(repo, test)), `${title}: ${test}`).toBe(true);
    }
  });
});
