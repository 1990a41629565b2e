/** §6.3's default when nothing defines "done". */
export const DEFAULT_DEFINITION_OF_DONE = "The code/files were created or modified as required and the task objectives were met";

/** Reads small text files inside a root (Node: src/repos/workspace-files.ts). */
export interface TextFiles {
  /** The file's text, or null when it is missing, too large, or `path` leaves `root`. */
  readText(root: string, path: string): Promise<string | null>;
}

export interface DefinitionOfDone {
  text: string;
  /** request | prompt | file:<path> | .cursorrules | default */
  source: string;
}

const INLINE = /definition of done\s*[:\-–—]\s*([\s\S]*?)(?=\n\s*\n|\n#{1,6}\s|$)/i;
const SECTION = /^#{1,6}\s*definition of done\s*$([\s\S]*?)(?=^#{1,6}\s|(?![\s\S]))/im;

/** The definition inside a text: a "Definition of Done" heading's section, else an inline label. */
export function extractDefinition(text: string): string | undefined {
  const section = SECTION.exec(text)?.[1]?.trim();
  if (section) return section;
  const inline = INLINE.exec(text)?.[1]?.trim();
  return inline || undefined;
}

/** `.md` files a prompt points at: "task at/file X.md", markdown links, bare paths naming a task or plan. */
export function referencedMarkdown(prompt: string): string[] {
  const found = new Set<string>();
  for (const m of prompt.matchAll(/task\s+(?:at|file)\s+["'`]?([^\s"'`)]+\.md)\b/gi)) found.add(m[1] as string);
  for (const m of prompt.matchAll(/\]\(([^)\s]+\.md)\)/g)) found.add(m[1] as string);
  for (const m of prompt.matchAll(/(?:^|[\s"'`(])([\w./-]+\.md)\b/g)) {
    const path = m[1] as string;
    if (/task|plan|\//i.test(path)) found.add(path);
  }
  return [...found];
}

/**
 * Resolves the definition of done (§6.3): the request's own → an inline "Definition of done: …"
 * in the prompt → a referenced `.md` file's section or label (looked up in the workspace, then
 * the repositories root; never outside them) → `.cursorrules` → the default.
 *
 * @example
 * await resolveDefinitionOfDone({ prompt: "Fix it.\nDefinition of done: npm test passes", cwd, roots: [cwd], files });
 * // { text: "npm test passes", source: "prompt" }
 */
export async function resolveDefinitionOfDone(input: {
  explicit?: string | null;
  prompt: string;
  cwd: string;
  /** Extra roots to look for referenced files in (the repositories root). */
  roots?: string[];
  files?: TextFiles;
}): Promise<DefinitionOfDone> {
  const explicit = input.explicit?.trim();
  if (explicit) return { text: explicit, source: "request" };
  const inline = INLINE.exec(input.prompt)?.[1]?.trim();
  if (inline) return { text: inline, source: "prompt" };
  const { files } = input;
  if (files) {
    const roots = [input.cwd, ...(input.roots ?? [])];
    for (const path of referencedMarkdown(input.prompt)) {
      for (const root of roots) {
        const text = await files.readText(root, path);
        const found = text ? extractDefinition(text) : undefined;
        if (found) return { text: found, source: `file:${path}` };
      }
    }
    const rules = await files.readText(input.cwd, ".cursorrules");
    const fromRules = rules ? extractDefinition(rules) : undefined;
    if (fromRules) return { text: fromRules, source: ".cursorrules" };
  }
  return { text: DEFAULT_DEFINITION_OF_DONE, source: "default" };
}
