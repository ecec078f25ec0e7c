import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { BAR_IDS, MINIMUM_BAR } from "../domain/bar/catalog";

/** The table rows of docs/minimum-bar.md, by section: ID, bar and declared column as written. */
function documentedRows(): Array<{ id: string; bar: string; declared: string; pastTheFirstBar: boolean }> {
  const text = readFileSync(join(__dirname, "..", "docs", "minimum-bar.md"), "utf8");
  const rows: Array<{ id: string; bar: string; declared: string; pastTheFirstBar: boolean }> = [];
  let pastTheFirstBar = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) pastTheFirstBar = line.trim() === "## Past the first bar";
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim());
    if (cells.length < 4 || !/^[A-Z]+(-[A-Z0-9]+)+$/.test(cells[0])) continue;
    rows.push({ id: cells[0], bar: cells[1], declared: cells[2], pastTheFirstBar });
  }
  return rows;
}

/** The document formats code and emphasis; the catalog holds the plain words. */
const plain = (markdown: string) => markdown.replace(/`([^`]*)`/g, "$1").replace(/\*\*([^*]*)\*\*/g, "$1");

describe("docs/minimum-bar.md and the code's catalog", () => {
  const rows = documentedRows();

  test("every ID the code judges is documented once, with the same bar and declared column", () => {
    expect(rows.length).toBeGreaterThanOrEqual(BAR_IDS.length);
    for (const id of BAR_IDS) {
      const documented = rows.filter((row) => row.id === id);
      expect(documented, id).toHaveLength(1);
      expect({ id, bar: plain(documented[0].bar), declared: plain(documented[0].declared) }).toEqual({
        id,
        bar: MINIMUM_BAR[id].bar,
        declared: MINIMUM_BAR[id].declared,
      });
    }
  });

  test("every documented ID of the first bar is one the code judges; only 'Past the first bar' may run ahead", () => {
    const catalog = new Set<string>(BAR_IDS);
    expect(rows.filter((row) => !row.pastTheFirstBar && !catalog.has(row.id)).map((row) => row.id)).toEqual([]);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
  });

  test("nothing in the repository points outside it", () => {
    const root = join(__dirname, "..");
    const tracked = execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
      .split("\0")
      .filter((file) => file && file !== "package-lock.json" && existsSync(join(root, file)));
    expect(tracked).toContain("docs/minimum-bar.md");
    const pointingOut = tracked.filter((file) => /\.\.\/(\.\.\/)*shared\//.test(readFileSync(join(root, file), "utf8")));
    expect(pointingOut).toEqual([]);
  });
});
