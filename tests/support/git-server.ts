// Node-only: a real smart-HTTP git server (git http-backend as CGI) on 127.0.0.1 for tests.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";
const IDENTITY = ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", "-c", "commit.gpgsign=false"];

export interface GitUser {
  username: string;
  password: string;
}

export interface GitServer {
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Folder holding the bare repositories. */
  root: string;
  /** Every request's user name ("" when it came without credentials) and whether it was let in. */
  attempts: { username: string; ok: boolean; path: string }[];
  /** Creates `<name>.git` with one commit of `files` on `branch`; returns its clone URL. */
  createRepository(name: string, files: Record<string, string>, options?: { branch?: string; branches?: string[] }): string;
  /** Adds a commit to `branch` of the bare repository directly (as another client would). */
  commitOnServer(name: string, branch: string, files: Record<string, string>, message?: string): string;
  /** `git rev-parse` inside the bare repository ("" when the ref is missing). */
  revParse(name: string, ref: string): string;
  /** A file's content at a ref of the bare repository. */
  show(name: string, ref: string, path: string): string;
  close(): Promise<void>;
}

/**
 * Starts git's own smart-HTTP backend behind basic auth on 127.0.0.1 (port chosen by the OS).
 * Without users, anyone may read and push.
 *
 * @example
 * const server = await startGitServer({ users: [{ username: "alice", password: "s3cret" }] });
 * const url = server.createRepository("app", { "README.md": "hi\n" });
 * await server.close();
 */
export async function startGitServer(options: { users?: GitUser[] } = {}): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), "git-server-"));
  const scratch = mkdtempSync(join(tmpdir(), "git-server-work-"));
  const users = options.users ?? [];
  const attempts: GitServer["attempts"] = [];

  const server: Server = createServer((req, res) => {
    const username = userOf(req, users);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    attempts.push({ username: username.name, ok: username.ok, path });
    if (users.length > 0 && !username.ok) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("Authentication required\n");
      return;
    }
    runBackend(req, res, root, username.name || "anonymous");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", [...IDENTITY, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

  let work = 0;
  const commitFiles = (dir: string, files: Record<string, string>, message: string) => {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", message);
  };

  return {
    baseUrl,
    root,
    attempts,
    createRepository(name, files, { branch = "main", branches = [] } = {}) {
      const bare = join(root, `${name}.git`);
      execFileSync("git", ["init", "-q", "--bare", "-b", branch, bare]);
      const dir = join(scratch, `w${work++}`);
      execFileSync("git", ["init", "-q", "-b", branch, dir]);
      commitFiles(dir, files, "Initial commit");
      git(dir, "push", "-q", bare, `${branch}:${branch}`);
      for (const extra of branches) git(dir, "push", "-q", bare, `${branch}:${extra}`);
      return `${baseUrl}/${name}.git`;
    },
    commitOnServer(name, branch, files, message = "Commit on the server") {
      const bare = join(root, `${name}.git`);
      const dir = join(scratch, `w${work++}`);
      execFileSync("git", ["clone", "-q", "-b", branch, bare, dir]);
      commitFiles(dir, files, message);
      git(dir, "push", "-q", "origin", branch);
      return git(dir, "rev-parse", "HEAD");
    },
    revParse(name, ref) {
      try {
        return git(join(root, `${name}.git`), "rev-parse", "--verify", "-q", ref);
      } catch {
        return "";
      }
    },
    show(name, ref, path) {
      return git(join(root, `${name}.git`), "show", `${ref}:${path}`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function userOf(req: IncomingMessage, users: GitUser[]): { name: string; ok: boolean } {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return { name: "", ok: false };
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return { name, ok: users.some((user) => user.username === name && user.password === password) };
}

/** Runs git http-backend as a CGI script for one request. */
function runBackend(req: IncomingMessage, res: ServerResponse, root: string, remoteUser: string): void {
  const url = new URL(req.url ?? "/", "http://x");
  const child = spawn(HTTP_BACKEND, [], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "http.receivepack",
      GIT_CONFIG_VALUE_0: "true",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? "GET",
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_USER: remoteUser,
      REMOTE_ADDR: "127.0.0.1",
      ...(req.headers["content-encoding"] ? { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) } : {}),
      ...(req.headers["git-protocol"] ? { GIT_PROTOCOL: String(req.headers["git-protocol"]) } : {}),
    },
    stdio: ["pipe", "pipe", "ignore"],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersSent) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end === -1) return;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (key.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    headersSent = true;
    res.write(head.subarray(end + 4));
  });
  child.on("close", () => {
    if (!headersSent) res.writeHead(500);
    res.end();
  });
  child.on("error", () => {
    if (!headersSent) res.writeHead(500);
    res.end();
  });
}
