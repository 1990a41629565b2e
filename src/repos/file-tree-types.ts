/** One entry of a file tree, in §10.3's shape (plus `truncated` on directories cut by the cap). */
export interface FileNode {
  name: string;
  /** Relative to the listed root, "/"-separated. */
  path: string;
  type: "file" | "directory";
  /** Directories only; `[]` when empty or at the depth limit. */
  children?: FileNode[];
  /** Set on a directory whose listing was cut by the entry cap. */
  truncated?: boolean;
}

export interface FileTree {
  nodes: FileNode[];
  /** Nodes listed. */
  entries: number;
  /** Whether the entry cap cut the walk short. */
  truncated: boolean;
}

export interface FileTreeOptions {
  /** Levels listed below the root (§10.3, default 10). */
  maxDepth?: number;
  /** Cap on nodes (FILE_TREE_MAX_ENTRIES, default 50 000). */
  maxEntries?: number;
  /** Also hide what the repository's .gitignore files ignore. */
  gitignore?: boolean;
}
