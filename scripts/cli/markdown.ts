/** Markdown for reports people read on GitHub: tables whose cells cannot break the table. */

/** A cell's text with the characters that would end the cell or the row made harmless. */
export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** A GitHub-flavoured Markdown table; cells are escaped. */
export function markdownTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(" | ")} |`;
  return [line(head), `|${head.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  return fence === "`" ? `\`${text}\`` : `\`\` ${text} \`\``;
}
