import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps";
import { HttpError } from "../../src/http/errors";
import { runMigrateCli } from "../../src/node/cli";
import { createNodeDeps } from "../../src/node/wiring";
import { createSecretCipher, parseSecretKey } from "../../src/secrets/cipher";
import { type GitServer, startGitServer } from "../support/git-server";

const ALICE = { username: "alice", password: "alice-secret-pw" };
const KEY_1 = Buffer.alloc(32, 1).toString("base64");
const KEY_2 = Buffer.alloc(32, 2).toString("hex");

describe("the cipher (AES-256-GCM, WebCrypto)", () => {
  it("seals and opens, tells keys apart, refuses a tampered value or an unknown key", async () => {
    const one = createSecretCipher({ current: parseSecretKey(KEY_1) });
    await one.ready;
    const sealed = await one.seal("ghp_secret");
    expect(sealed).toMatch(/^enc:v1:[0-9a-f]{16}:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain("ghp_secret");
    expect(await one.seal("ghp_secret")).not.toBe(sealed); // a fresh IV every time
    expect(await one.open(sealed)).toBe("ghp_secret");
    expect(await one.open("plain-from-before")).toBe("plain-from-before");
    expect(one.needsSealing("plain-from-before")).toBe(true);
    expect(one.needsSealing(sealed)).toBe(false);

    const rotated = createSecretCipher({ current: parseSecretKey(KEY_2), previous: [parseSecretKey(KEY_1)!] });
    await rotated.ready;
    expect(await rotated.open(sealed)).toBe("ghp_secret");
    expect(rotated.needsSealing(sealed)).toBe(true);

    const other = createSecretCipher({ current: parseSecretKey(KEY_2) });
    await expect(other.open(sealed)).rejects.toThrow(/neither SECRETS_KEY nor one of SECRETS_KEY_PREVIOUS/);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    await expect(one.open(tampered)).rejects.toThrow(/could not be opened/);
    expect(parseSecretKey("too-short")).toBeNull();
  });
});

describe("git_credentials and telegram_bots sealed at rest", () => {
  let server: GitServer;
  let dir: string;
  beforeAll(async () => {
    server = await startGitServer({ users: [ALICE] });
    dir = mkdtempSync(join(tmpdir(), "runner-secrets-"));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const quiet = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const start = (env: Record<string, string> = {}) =>
    createNodeDeps(
      { DATABASE_URL: `file:${join(dir, "db.sqlite")}`, REPOSITORIES_PATH: join(dir, "repos"), LOG_LEVEL: "silent", ...env },
      { cwd: dir, logDestination: quiet() },
    );
  const stored = async (deps: Deps) => ({
    git: (await deps.db.execute("SELECT password FROM git_credentials")).rows.map((r) => String(r.password)),
    bots: (await deps.db.execute("SELECT bot_token, webhook_secret FROM telegram_bots")).rows.map((r) => [
      String(r.bot_token),
      String(r.webhook_secret),
    ]),
  });
  const clone = (deps: Deps, url: string, name: string) => deps.repos.git.clone({ url, name });

  it("seals plaintext rows at start-up, clones with them, rotates keys, and says clearly when a key is missing", async () => {
    const url = server.createRepository("app", { "README.md": "# app\n" });
    // Rows written in plaintext before encryption is turned on (as another service would).
    const before = await start();
    await before.db.execute({
      sql: "INSERT INTO git_credentials (name, username, password, repository_url) VALUES (?, ?, ?, ?)",
      args: ["alice-row", ALICE.username, ALICE.password, url],
    });
    await before.db.execute({
      sql: "INSERT INTO telegram_bots (name, bot_token, webhook_secret, bot_type) VALUES (?, ?, ?, ?)",
      args: ["bot", "123:bot-token", "hook-secret", "default"],
    });
    before.db.close();

    const sealed = await start({ SECRETS_KEY: KEY_1 });
    const first = await stored(sealed);
    expect(first.git[0]).toMatch(/^enc:v1:/);
    expect(first.bots[0]?.every((value) => value.startsWith("enc:v1:"))).toBe(true);
    // Not in the database file in the clear.
    sealed.db.close();
    const bytes = readFileSync(join(dir, "db.sqlite")).toString("latin1");
    for (const secret of [ALICE.password, "123:bot-token", "hook-secret"]) expect(bytes).not.toContain(secret);

    const reopened = await start({ SECRETS_KEY: KEY_1 });
    expect((await stored(reopened)).git).toEqual(first.git); // already sealed: left as it is
    expect((await clone(reopened, url, "app-1")).repository).toBe("app-1");
    reopened.db.close();

    // Rotation: the new key seals, the previous one still opens; every row moves to the new key.
    const rotated = await start({ SECRETS_KEY: KEY_2, SECRETS_KEY_PREVIOUS: KEY_1 });
    const second = await stored(rotated);
    expect(second.git[0]).not.toBe(first.git[0]);
    expect(second.git[0]?.split(":")[2]).not.toBe(first.git[0]?.split(":")[2]);
    rotated.db.close();
    const afterRotation = await start({ SECRETS_KEY: KEY_2 });
    expect((await clone(afterRotation, url, "app-2")).repository).toBe("app-2");
    afterRotation.db.close();

    // The old key alone cannot open what the new one sealed: a 503 that says what to set.
    const wrong = await start({ SECRETS_KEY: KEY_1 });
    const error = await clone(wrong, url, "app-3").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect((error as HttpError).message).toContain("The git_credentials row 'alice-row' cannot be opened");
    expect((error as HttpError).message).toContain("set SECRETS_KEY");
    wrong.db.close();
  }, 60_000);

  it("npm run migrate -- secrets seals without starting the server; a malformed key stops start-up", async () => {
    const out: string[] = [];
    const log = { log: (line: string) => out.push(line), error: (line: string) => out.push(line) };
    const env = { DATABASE_URL: `file:${join(dir, "cli.sqlite")}`, SECRETS_KEY: KEY_1 };
    expect(await runMigrateCli(["up"], env, log)).toBe(0);
    expect(await runMigrateCli(["secrets"], env, log)).toBe(0);
    expect(out.at(-1)).toBe("Sealed 0 secret(s) with the current SECRETS_KEY");
    expect(await runMigrateCli(["secrets"], { DATABASE_URL: env.DATABASE_URL }, log)).toBe(1);
    expect(out.at(-1)).toContain("SECRETS_KEY is not set");
    await expect(start({ SECRETS_KEY: "not-a-key" })).rejects.toThrow(
      "Invalid configuration: SECRETS_KEY expects 32 bytes as base64 or 64 hex characters",
    );
  });
});
