/**
 * A fact left for a person to fill in, as `launch-ready init` writes it and OPS-HANDOVER
 * recognises it: text that starts with TODO, or a name or address under `.invalid`, which can
 * never resolve or receive mail (RFC 6761), so it can only be a stand-in. Each form fits the field
 * it stands in for, so the schema still accepts the file (an email field still holds an address).
 */
export const placeholder = {
  text: (what: string) => `TODO: ${what}`,
  email: (what: string) => `todo-${what}@todo.invalid`,
  host: (what: string) => `todo-${what}.invalid`,
};

export function isPlaceholder(value: string): boolean {
  const text = value.trim();
  return /^TODO\b/i.test(text) || /\.invalid\.?$/i.test(text);
}
