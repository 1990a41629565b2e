import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isProcessAlive } from "../../src/exec/proc";
import { createSidecarExecutor } from "../../src/exec/sidecar";
import { type ProcessHandle, type ProcessSpec, RUN_ID_ENV } from "../../src/exec/types";
import { processSpecs } from "../support/process-specs";
import { freePort, waitFor } from "../support/server-process";
import { type SidecarProcess, startSidecarProcess } from "../support/sidecar-process";

const root = mkdtempSync(join(tmpdir(), "sidecar-exec-"));
const outside = mkdtempSync(join(tmpdir(), "sidecar-outside-"));
let sidecar: SidecarProcess;
let executor: ReturnType<typeof createSidecarExecutor>;
let dir: string;
let count = 0;

beforeAll(async () => {
  sidecar = await startSidecarProcess(root);
  executor = createSidecarExecutor({ url: sidecar.url, token: sidecar.token });
});
afterAll(async () => {
  await sidecar?.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
beforeEach(() => {
  dir = join(root, `case-${++count}`);
  mkdirSync(dir);
});

const limits = { hardTimeoutMs: 20_000, idleTimeoutMs: 20_000, maxOutputBytes: 1_000_000, killGraceMs: 300 };
const { sh, agent } = processSpecs(() => dir, limits);

/** Everything the handle streams, and a promise per marker seen in it. */
function collect(handle: ProcessHandle) {
  let text = "";
  handle.onOutput((chunk) => (text += chunk.text));
  return { text: () => text, seen: (marker: string) => waitFor(() => text.includes(marker), { what: marker }) };
}

const grandchildPid = () => Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));

describe("sidecar executor: the executor contract through a real sidecar", () => {
  it("runs the fake agent to completion and streams exactly what it captured", async () => {
    const handle = executor.run(agent("SAY hello\nWRITE out.txt <<hi there>>"));
    const output = collect(handle);
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 0, signal: null, stderr: "" });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toContain('"type":"result"');
    expect(output.text()).toBe(result.stdout);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("hi there");
    expect(handle.pid).toBeGreaterThan(0);
    expect(await handle.started).toBe(handle.pid);
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it("resolves `started` with the sidecar host's pid as soon as the sidecar has answered", async () => {
    const handle = executor.run(agent("SAY up\nSLEEP 30000"));
    expect(handle.pid).toBeUndefined(); // the sidecar has not answered yet
    const pid = await handle.started;
    expect(pid).toBe(handle.pid);
    expect(isProcessAlive(pid!)).toBe(true);
    handle.stop("cancelled");
    expect((await handle.result).reason).toBe("cancelled");
    expect(isProcessAlive(pid!)).toBe(false);
  });

  it("passes exit codes, stderr, the environment and stdin through", async () => {
    const exit = await executor.run(sh("echo partial; echo oops >&2; exit 3")).result;
    expect(exit).toMatchObject({ reason: "exited", exitCode: 3, stdout: "partial\n", stderr: "oops\n" });
    const env = await executor.run(sh('echo "$GREETING"', { env: { GREETING: "bonjour", PATH: "/usr/bin:/bin" } })).result;
    expect(env.stdout).toBe("bonjour\n");
    const fed = await executor.run(sh("cat", { stdin: "line one\nline two\n" })).result;
    expect(fed.stdout).toBe("line one\nline two\n");
  });

  it("never hands a process the sidecar's token when the request has no environment", async () => {
    const result = await executor.run(sh('echo "token=[$SIDECAR_TOKEN] path=[$PATH]"')).result;
    expect(result.stdout).toMatch(/^token=\[\] path=\[.+\]\n$/);
  });

  it("settles a missing executable and a missing cwd as spawn_error", async () => {
    const missingHandle = executor.run({ ...sh(""), command: join(dir, "no-such-agent") });
    expect(await missingHandle.started).toBeUndefined();
    const missing = await missingHandle.result;
    expect(missing).toMatchObject({ reason: "spawn_error", exitCode: null });
    expect(missing.error).toContain("ENOENT");
    const noCwd = await executor.run(sh("echo never", { cwd: join(dir, "missing") })).result;
    expect(noCwd).toMatchObject({ reason: "spawn_error", exitCode: null });
    expect(noCwd.error).toMatch(/^Failed to start \/bin\/sh: /);
  });

  it("applies the hard timeout, the idle timeout and the output cap on the sidecar", async () => {
    const timeout = await executor.run(sh("echo started; sleep 30", { hardTimeoutMs: 300 })).result;
    expect(timeout).toMatchObject({ reason: "timeout", error: "Command timeout after 300ms", stdout: "started\n" });
    const idle = await executor.run(agent("SILENT_AFTER_FIRST", { idleTimeoutMs: 400 })).result;
    expect(idle).toMatchObject({ reason: "idle", error: "No output from cursor-cli for 400ms" });
    const cap = await executor.run(agent("FLOOD 5000000", { maxOutputBytes: 50_000 })).result;
    expect(cap).toMatchObject({ reason: "output_cap", error: "Output size exceeded limit: 50000 bytes" });
    expect(Buffer.byteLength(cap.stdout)).toBe(50_000);
  });

  it("cancels through the AbortSignal; an already aborted signal never reaches the sidecar", async () => {
    const controller = new AbortController();
    const handle = executor.run(agent("SAY started\nSLEEP 30000", { signal: controller.signal }));
    await collect(handle).seen('"text":"started"');
    controller.abort();
    expect(await handle.result).toMatchObject({ reason: "cancelled", error: "Run cancelled", signal: "SIGTERM" });

    const before = (await sidecar.pids()).length;
    const never = executor.run(sh("touch spawned", { signal: AbortSignal.abort() }));
    expect(await never.result).toMatchObject({ reason: "cancelled", exitCode: null });
    expect(never.pid).toBeUndefined();
    expect(await never.started).toBeUndefined();
    expect(existsSync(join(dir, "spawned"))).toBe(false);
    expect((await sidecar.pids()).length).toBe(before);
  });

  it("escalates to SIGKILL on the sidecar when SIGTERM is ignored", async () => {
    const handle = executor.run(agent("IGNORE_SIGTERM\nSAY ready\nSLEEP 30000"));
    await collect(handle).seen('"text":"ready"');
    handle.stop("cancelled", "Stopped by the test");
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "cancelled", error: "Stopped by the test", signal: "SIGKILL" });
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it("settles exactly once however many causes race", async () => {
    const controller = new AbortController();
    const handle = executor.run(sh("sleep 30", { hardTimeoutMs: 100, idleTimeoutMs: 100, signal: controller.signal }));
    let calls = 0;
    void handle.result.then(() => calls++);
    setTimeout(() => {
      controller.abort();
      handle.stop("output_cap");
    }, 100);
    const result = await handle.result;
    expect(["timeout", "idle", "cancelled", "output_cap"]).toContain(result.reason);
    handle.stop("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await handle.result).toBe(result);
    expect(calls).toBe(1);
  });
});

describe("sidecar executor: no process outlives its run", () => {
  const cases: { name: string; prompt: string; spec?: Partial<ProcessSpec>; reason: string; cancel?: boolean }[] = [
    { name: "a normal exit", prompt: "GRANDCHILD\nSAY done", reason: "exited" },
    { name: "a hard timeout", prompt: "GRANDCHILD\nSLEEP 60000", spec: { hardTimeoutMs: 1500 }, reason: "timeout" },
    { name: "an idle timeout", prompt: "GRANDCHILD\nSLEEP 60000", spec: { idleTimeoutMs: 400 }, reason: "idle" },
    { name: "the output cap", prompt: "GRANDCHILD\nFLOOD 5000000", spec: { maxOutputBytes: 100_000 }, reason: "output_cap" },
    { name: "a cancel", prompt: "GRANDCHILD\nSLEEP 60000", reason: "cancelled", cancel: true },
  ];
  for (const { name, prompt, spec, reason, cancel } of cases) {
    it(`kills the grandchild after ${name}`, async () => {
      const controller = new AbortController();
      const handle = executor.run(agent(prompt, { ...spec, signal: controller.signal }));
      if (cancel) {
        await collect(handle).seen('"type":"tool_call","subtype":"completed"');
        controller.abort();
      }
      expect((await handle.result).reason).toBe(reason);
      expect(isProcessAlive(grandchildPid())).toBe(false);
      expect(isProcessAlive(handle.pid!)).toBe(false);
    });
  }
});

describe("sidecar executor: when the connection fails", () => {
  it("settles spawn_error with a clear message when the sidecar is unreachable", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const handle = createSidecarExecutor({ url, token: "x" }).run(sh("echo never"));
    expect(await handle.started).toBeUndefined();
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "spawn_error", exitCode: null });
    expect(result.error).toContain(`Failed to start /bin/sh: sidecar unreachable at ${url}`);
  });

  it("resumes a dropped stream from where it was, without losing or repeating output", async () => {
    let drops = 0;
    // Cuts the first two event streams after their first chunk, as a flaky network would.
    const flaky: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes("/stream") || drops >= 2 || !res.body) return res;
      drops++;
      const reader = res.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value } = await reader.read();
          if (value) controller.enqueue(value);
          await reader.cancel();
          controller.error(new Error("connection reset"));
        },
      });
      return new Response(body, { status: res.status, headers: res.headers });
    };
    const script = "for i in 1 2 3 4 5 6; do echo line $i; sleep 0.1; done";
    const handle = createSidecarExecutor({ url: sidecar.url, token: sidecar.token, fetch: flaky }).run(sh(script));
    const output = collect(handle);
    const result = await handle.result;
    expect(drops).toBe(2);
    expect(result.stdout).toBe("line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n");
    expect(output.text()).toBe(result.stdout);
  });

  it("falls back to polling the status when the stream cannot be had, and still streams all output", async () => {
    const noStreams: typeof fetch = async (input, init) => {
      if (String(input).includes("/stream")) throw new TypeError("fetch failed");
      return fetch(input, init);
    };
    const options = { url: sidecar.url, token: sidecar.token, fetch: noStreams, reconnects: 1, retryDelayMs: 10, pollMs: 50 };
    const handle = createSidecarExecutor(options).run(sh("echo polled; echo err >&2; sleep 0.3"));
    const output = collect(handle);
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 0, stdout: "polled\n", stderr: "err\n" });
    expect(output.text()).toBe("polled\nerr\n");
  });

  it("ends every process group when the sidecar is stopped (SIGTERM), and the run settles", async () => {
    const stopping = await startSidecarProcess(root);
    const handle = createSidecarExecutor({ url: stopping.url, token: stopping.token }).run(agent("GRANDCHILD\nSLEEP 60000"));
    await collect(handle).seen('"type":"tool_call","subtype":"completed"');
    await stopping.stop();
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "cancelled", error: "The sidecar is shutting down" });
    expect(isProcessAlive(grandchildPid())).toBe(false);
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it("settles once, as lost, when the sidecar dies mid-run; a new sidecar reaps the orphan by its run id", async () => {
    const doomed = await startSidecarProcess(root);
    let successor: SidecarProcess | undefined;
    const handle = createSidecarExecutor({
      url: doomed.url,
      token: doomed.token,
      reconnects: 1,
      retryDelayMs: 10,
      pollMs: 50,
      lostAfterMs: 300,
    }).run(sh("echo up; exec sleep 30", { env: { [RUN_ID_ENV]: "run-lost" } }));
    try {
      await collect(handle).seen("up");
      doomed.child.kill("SIGKILL");
      const result = await handle.result;
      expect(result).toMatchObject({ reason: "lost", stdout: "up\n" });
      expect(result.error).toContain(`Lost contact with the sidecar at ${doomed.url}`);
      // A SIGKILLed sidecar cannot end its processes; the next one on the host finds the group by its run id.
      expect(isProcessAlive(handle.pid!)).toBe(true);
      successor = await startSidecarProcess(root);
      const reaper = createSidecarExecutor({ url: successor.url, token: successor.token });
      expect(await reaper.reapOrphan("another-run", handle.pid!)).toBe(false);
      expect(isProcessAlive(handle.pid!)).toBe(true);
      expect(await reaper.reapOrphan("run-lost", handle.pid!)).toBe(true);
      expect(isProcessAlive(handle.pid!)).toBe(false);
    } finally {
      doomed.child.kill("SIGKILL");
      await successor?.stop();
      if (handle.pid && isProcessAlive(handle.pid)) process.kill(-handle.pid, "SIGKILL");
    }
  });
});

describe("the sidecar's HTTP API", () => {
  /** `token: null` sends no Authorization header. */
  const post = (path: string, body: unknown, token: string | null = sidecar.token) =>
    fetch(`${sidecar.url}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const spec = (cwd: string) => ({ command: "/bin/sh", args: ["-c", "echo hi"], cwd, ...limits });

  it("refuses requests without the token or with a wrong one; /health stays open", async () => {
    expect((await fetch(`${sidecar.url}/health`)).status).toBe(200);
    expect((await post("/v1/processes", spec(dir), null)).status).toBe(401);
    expect((await post("/v1/processes", spec(dir), "wrong-token")).status).toBe(401);
    expect((await fetch(`${sidecar.url}/v1/processes`)).status).toBe(401);
    const wrong = await createSidecarExecutor({ url: sidecar.url, token: "wrong-token" }).run(sh("echo never")).result;
    expect(wrong).toMatchObject({ reason: "spawn_error" });
    expect(wrong.error).toBe("Failed to start /bin/sh: the sidecar refused it: Unauthorized");
  });

  it("refuses a cwd outside its root, also through a symlink, and never runs the command", async () => {
    const refused = await post("/v1/processes", { ...spec(outside), args: ["-c", "touch escaped"] });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toContain("cwd is outside the sidecar root");
    symlinkSync(outside, join(dir, "link"));
    expect((await post("/v1/processes", spec(join(dir, "link")))).status).toBe(403);
    expect((await post("/v1/processes", spec(join(root, "..")))).status).toBe(403);
    const viaExecutor = await executor.run(sh("touch escaped", { cwd: outside })).result;
    expect(viaExecutor).toMatchObject({ reason: "spawn_error" });
    expect(viaExecutor.error).toContain("the sidecar refused it: cwd is outside the sidecar root");
    expect(existsSync(join(outside, "escaped"))).toBe(false);
  });

  it("answers 400 with a clear message for an invalid body, 404 for an unknown process", async () => {
    const noCommand = await post("/v1/processes", { ...spec(dir), command: undefined });
    expect(noCommand.status).toBe(400);
    expect(await noCommand.json()).toMatchObject({ error: "command is required" });
    const relative = await post("/v1/processes", spec("repos/demo"));
    expect(await relative.json()).toMatchObject({ error: "cwd must be an absolute path" });
    const badStop = await post("/v1/processes/x/stop", { reason: "because" });
    expect(badStop.status).toBe(400);
    expect(((await badStop.json()) as { error: string }).error).toMatch(
      /^reason must be one of exited, ended_after_result, timeout/,
    );
    expect((await sidecar.get("/v1/processes/00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });

  it("ends the processes of a dead runner's run (POST /v1/orphans/reap), and only those", async () => {
    const orphan = executor.run(agent("GRANDCHILD\nSLEEP 60000", { env: { [RUN_ID_ENV]: "run-orphan" } }));
    const other = executor.run(agent("SAY other\nSLEEP 60000", { env: { [RUN_ID_ENV]: "run-other" } }));
    await collect(orphan).seen('"type":"tool_call","subtype":"completed"');
    const pid = (await orphan.started)!;
    const otherPid = (await other.started)!;
    expect(await executor.reapOrphan("run-orphan", pid)).toBe(true);
    expect(await orphan.result).toMatchObject({ reason: "cancelled", error: "The runner of this run stopped (orphan reaped)" });
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(grandchildPid())).toBe(false);
    expect(isProcessAlive(otherPid)).toBe(true);
    // Nothing left of it: a second reap, and one for an unknown run, end nothing.
    expect(await executor.reapOrphan("run-orphan", pid)).toBe(false);
    expect(await executor.reapOrphan("run-unknown", otherPid)).toBe(false);
    expect(isProcessAlive(otherPid)).toBe(true);
    other.stop("cancelled");
    await other.result;
    const noRunId = await post("/v1/orphans/reap", { pid });
    expect(noRunId.status).toBe(400);
    expect(await noRunId.json()).toMatchObject({ error: "runId is required" });
    expect((await post("/v1/orphans/reap", { runId: "x" }, null)).status).toBe(401);
  });

  it("tells whether a command is installed on the sidecar", async () => {
    expect((await sidecar.get("/v1/which?command=sh")).body).toMatchObject({ command: "sh", available: true });
    const missing = await sidecar.get("/v1/which?command=no-such-agent-cli");
    expect(missing.body).toEqual({
      command: "no-such-agent-cli",
      available: false,
      error: "no-such-agent-cli was not found on the sidecar's PATH",
    });
  });

  it("gives a client that reconnects to a finished process the rest of its output and its result (NDJSON or SSE)", async () => {
    const created = (await (await post("/v1/processes", spec(dir))).json()) as { id: string; pid: number };
    const status = await waitFor(async () => {
      const { body } = await sidecar.get(`/v1/processes/${created.id}`);
      return body.state === "finished" && body;
    });
    expect(status).toMatchObject({ id: created.id, pid: created.pid, result: { reason: "exited", stdout: "hi\n" } });
    const headers = { Authorization: `Bearer ${sidecar.token}` };
    const ndjson = await (await fetch(`${sidecar.url}/v1/processes/${created.id}/stream?stdout=1`, { headers })).text();
    expect(
      ndjson
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { type: "output", stream: "stdout", text: "i\n" },
      { type: "result", result: status.result },
    ]);
    const sse = await fetch(`${sidecar.url}/v1/processes/${created.id}/stream`, {
      headers: { ...headers, Accept: "text/event-stream" },
    });
    expect(sse.headers.get("Content-Type")).toBe("text/event-stream");
    expect(await sse.text()).toMatch(/^event: output\ndata: .*\n\nevent: result\ndata: .*"reason":"exited".*\n\n$/);
  });
});
