import type { FileNode } from "../types";

/**
 * A repository's files as nested lists; folders are native <details> (keyboard and screen-reader
 * operable without extra code), the top level open.
 */
export function FileTree({ nodes, depth = 0 }: { nodes: FileNode[]; depth?: number }) {
  return (
    <ul class={depth === 0 ? "tree" : "tree-children"} aria-label={depth === 0 ? "Files" : undefined}>
      {nodes.map((node) =>
        node.type === "directory" ? (
          <li key={node.path} class="tree-dir">
            <details open={depth === 0}>
              <summary>
                <span class="tree-icon tree-icon-dir" aria-hidden="true" />
                {node.name}
                {node.truncated ? <span class="muted small"> (not fully listed)</span> : null}
              </summary>
              {node.children && node.children.length > 0 ? (
                <FileTree nodes={node.children} depth={depth + 1} />
              ) : (
                <p class="muted small tree-empty">{node.truncated ? "Deeper than listed" : "Empty"}</p>
              )}
            </details>
          </li>
        ) : (
          <li key={node.path} class="tree-file">
            <span class="tree-icon tree-icon-file" aria-hidden="true" />
            {node.name}
          </li>
        ),
      )}
    </ul>
  );
}
