/**
 * A migration is one plain SQL file `NNNN_name.sql` with an up and a down part, marked the way
 * dbmate marks them so existing tooling can read our files:
 *
 *   -- migrate:up
 *   CREATE TABLE ...;
 *   -- migrate:down
 *   DROP TABLE ...;
 *
 * The migration's name is the file name without its extension, so a rename of the extension can
 * never record the same migration twice (the original's §12 item 19).
 */
export interface MigrationSource {
  /** File name without extension, e.g. `0002_create_tasks`. */
  name: string;
  up: string;
  down: string;
}

export const MIGRATION_FILE = /^(\d{4,})_([a-z0-9_]+)\.sql$/;
const MARKER = /^--\s*migrate:(up|down)\s*$/gm;

export function parseMigrationFile(fileName: string, sql: string): MigrationSource {
  const match = MIGRATION_FILE.exec(fileName);
  if (!match) {
    throw new Error(`Migration file "${fileName}" must be named NNNN_name.sql (digits, underscore, lower-case name)`);
  }
  const parts: Record<string, string> = {};
  const markers = [...sql.matchAll(MARKER)];
  markers.forEach((marker, i) => {
    const kind = marker[1] as string;
    if (parts[kind] !== undefined) throw new Error(`Migration ${fileName} has more than one "-- migrate:${kind}" section`);
    const start = (marker.index ?? 0) + marker[0].length;
    const end = markers[i + 1]?.index ?? sql.length;
    parts[kind] = sql.slice(start, end).trim();
  });
  if (!parts.up) throw new Error(`Migration ${fileName} has no "-- migrate:up" section`);
  if (parts.down === undefined) throw new Error(`Migration ${fileName} has no "-- migrate:down" section`);
  return { name: fileName.replace(/\.sql$/, ""), up: parts.up, down: parts.down };
}

/** Template for `npm run migrate -- create <name>`. */
export const migrationTemplate = (name: string) =>
  `-- migrate:up\n-- ${name}: write the change here\n\n-- migrate:down\n-- undo it here\n`;
