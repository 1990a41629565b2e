import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalExecutor } from "../../src/exec/local";
import { isProcessAlive } from "../../src/exec/proc";
import type { ProcessHandle, ProcessSpec } from "../../src/exec/types";
import { processSpecs } from "../support/process-specs";

const executor = createLocalExecutor({ pipeGraceMs: 300 });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "local-exec-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const limits = { hardTimeoutMs: 20_000, idleTimeoutMs: 20_000, maxOutputBytes: 1_000_000 };

const { sh, agent } = processSpecs(() => dir, limits);

/** Resolves once the run's live stdout contains `marker`. */
function outputSeen(handle: ProcessHandle, marker: string): Promise<void> {
  let seen = "";
  return new Promise((resolve) => {
    const off = handle.onOutput((chunk) => {
      seen += chunk.text;
      if (seen.includes(marker)) {
        off();
        resolve();
      }
    });
  });
}

const grandchildPid = () => Number(readFileSync(join(dir, "grandchild.pid"), "utf8"));

describe("local executor: normal runs", () => {
  it("runs the fake agent to completion and streams what it captures", async () => {
    const handle = executor.run(agent("SAY hello\nWRITE out.txt <<hi there>>"));
    const chunks: string[] = [];
    handle.onOutput((chunk) => chunk.stream === "stdout" && chunks.push(chunk.text));
    const result = await handle.result;

    expect(result).toMatchObject({ reason: "exited", exitCode: 0, signal: null, stderr: "" });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toContain('"type":"result"');
    expect(chunks.join("")).toBe(result.stdout);
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe("hi there");
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it("reports a non-zero exit code as an exit, with stderr", async () => {
    const result = await executor.run(sh("echo partial; echo oops >&2; exit 3")).result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 3, stdout: "partial\n", stderr: "oops\n" });
    expect(result.error).toBeUndefined();

    const agentExit = await executor.run(agent("SAY before\nEXIT 7")).result;
    expect(agentExit).toMatchObject({ reason: "exited", exitCode: 7 });
    expect(agentExit.stdout).not.toContain('"type":"result"');
  });

  it("passes the environment given in the spec", async () => {
    const result = await executor.run(sh('echo "$GREETING"', { env: { GREETING: "bonjour", PATH: process.env.PATH } })).result;
    expect(result.stdout).toBe("bonjour\n");
  });

  it("writes stdin when given and closes it; without it stdin is at EOF at once", async () => {
    const fed = await executor.run(sh("cat", { stdin: "line one\nline two\n" })).result;
    expect(fed).toMatchObject({ reason: "exited", exitCode: 0, stdout: "line one\nline two\n" });

    // An open stdin pipe would make `cat` wait until the idle timeout.
    const closed = await executor.run(sh("cat; echo eof", { idleTimeoutMs: 10_000 })).result;
    expect(closed).toMatchObject({ reason: "exited", exitCode: 0, stdout: "eof\n" });
  });

  it("never splits a multi-byte character across chunks", async () => {
    const script = `const b = Buffer.from("é€😀"); process.stdout.write(b.subarray(0, 1));
      setTimeout(() => process.stdout.write(b.subarray(1, 4)), 50);
      setTimeout(() => process.stdout.write(b.subarray(4)), 100);`;
    const handle = executor.run({ command: process.execPath, args: ["-e", script], cwd: dir, ...limits });
    const chunks: string[] = [];
    handle.onOutput((chunk) => chunks.push(chunk.text));
    const result = await handle.result;
    expect(chunks.join("")).toBe("é€😀");
    for (const chunk of chunks) expect(chunk).not.toContain("\uFFFD");
    expect(result.stdout).toBe("é€😀");
  });
});

describe("local executor: spawn errors", () => {
  it("settles a missing executable once as spawn_error, with exitCode null", async () => {
    const handle = executor.run({ command: join(dir, "no-such-cursor-agent"), args: ["--print", "x"], cwd: dir, ...limits });
    expect(handle.pid).toBeUndefined();
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "spawn_error", exitCode: null, signal: null, stdout: "", stderr: "" });
    expect(result.error).toContain("ENOENT");
    // Node may emit 'close' after 'error'; give it the chance, the result must not change.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await handle.result).toBe(result);
  });

  it("settles a missing working directory as spawn_error", async () => {
    const result = await executor.run(sh("echo never", { cwd: join(dir, "missing") })).result;
    expect(result).toMatchObject({ reason: "spawn_error", exitCode: null });
    expect(result.error).toMatch(/^Failed to start \/bin\/sh: /);
  });
});

describe("local executor: limits", () => {
  it("ends a run at the hard timeout", async () => {
    const result = await executor.run(sh("echo started; sleep 30", { hardTimeoutMs: 300 })).result;
    expect(result).toMatchObject({ reason: "timeout", error: "Command timeout after 300ms", exitCode: null });
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toBe("started\n");
  });

  it("ends a run that goes silent after its first line at the idle timeout", async () => {
    const result = await executor.run(agent("SILENT_AFTER_FIRST", { idleTimeoutMs: 400 })).result;
    expect(result).toMatchObject({ reason: "idle", error: "No output from cursor-cli for 400ms", exitCode: null });
    expect(result.stdout).toContain('"subtype":"init"');
  });

  it("counts idleness from spawn: a run that never prints is ended too", async () => {
    const result = await executor.run(sh("sleep 30", { idleTimeoutMs: 300 })).result;
    expect(result).toMatchObject({ reason: "idle", error: "No output from cursor-cli for 300ms", stdout: "" });
  });

  it("re-arms the idle timer on every output", async () => {
    const script = "for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.2; done";
    const result = await executor.run(sh(script, { idleTimeoutMs: 1500 })).result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 0 });
  });

  it("caps stdout and kills the run", async () => {
    const result = await executor.run(agent("FLOOD 5000000", { maxOutputBytes: 50_000 })).result;
    expect(result).toMatchObject({ reason: "output_cap", error: "Output size exceeded limit: 50000 bytes" });
    expect(Buffer.byteLength(result.stdout)).toBe(50_000);
  });

  it("caps stderr separately and kills the run", async () => {
    const result = await executor.run(sh("while :; do echo xxxxxxxxxxxxxxxx >&2; done", { maxOutputBytes: 10_000 })).result;
    expect(result).toMatchObject({ reason: "output_cap", error: "Output size exceeded limit: 10000 bytes", stdout: "" });
    expect(Buffer.byteLength(result.stderr)).toBe(10_000);
  });

  it("does not leave a broken character where the cap cuts", async () => {
    const result = await executor.run(sh("while :; do printf 'é'; done", { maxOutputBytes: 1001 })).result;
    expect(result.reason).toBe("output_cap");
    expect(result.stdout).toBe("é".repeat(500));
  });
});

describe("local executor: stopping", () => {
  it("cancels through the AbortSignal", async () => {
    const controller = new AbortController();
    const handle = executor.run(agent("SAY started\nSLEEP 30000", { signal: controller.signal }));
    await outputSeen(handle, '"text":"started"');
    controller.abort();
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "cancelled", error: "Run cancelled", exitCode: null, signal: "SIGTERM" });
  });

  it("does not spawn at all when the signal is already aborted", async () => {
    const handle = executor.run(sh("touch spawned", { signal: AbortSignal.abort() }));
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "cancelled", exitCode: null });
    expect(handle.pid).toBeUndefined();
    expect(existsSync(join(dir, "spawned"))).toBe(false);
  });

  it("escalates to SIGKILL when SIGTERM is ignored", async () => {
    const handle = executor.run(agent("IGNORE_SIGTERM\nSAY ready\nSLEEP 30000", { killGraceMs: 200 }));
    // The prompt is echoed first, so wait for the assistant message itself.
    await outputSeen(handle, '"text":"ready"');
    handle.stop("cancelled", "Stopped by the test");
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "cancelled", error: "Stopped by the test", signal: "SIGKILL" });
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it('stop("exited") ends an agent that lingers after its result', async () => {
    const handle = executor.run(agent("SAY done\nHANG_AFTER_RESULT"));
    await outputSeen(handle, '"type":"result"');
    handle.stop("exited");
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "exited", exitCode: null, signal: "SIGTERM" });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toContain('"type":"result"');
    expect(isProcessAlive(handle.pid!)).toBe(false);
  });

  it("settles exactly once however many causes race", async () => {
    const controller = new AbortController();
    const handle = executor.run(sh("sleep 30", { hardTimeoutMs: 100, idleTimeoutMs: 100, signal: controller.signal }));
    const first = handle.result;
    let calls = 0;
    void first.then(() => calls++);
    setTimeout(() => {
      controller.abort();
      handle.stop("output_cap");
    }, 100);
    const result = await first;
    expect(["timeout", "idle", "cancelled", "output_cap"]).toContain(result.reason);
    handle.stop("cancelled");
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handle.result).toBe(first);
    expect(await handle.result).toBe(result);
    expect(calls).toBe(1);
  });

  it("stops notifying a listener once it unsubscribes, and survives a throwing one", async () => {
    const handle = executor.run(sh("echo one; sleep 0.2; echo two"));
    const seen: string[] = [];
    handle.onOutput(() => {
      throw new Error("subscriber bug");
    });
    const off = handle.onOutput((chunk) => {
      seen.push(chunk.text);
      off();
    });
    const result = await handle.result;
    expect(seen).toEqual(["one\n"]);
    expect(result.stdout).toBe("one\ntwo\n");
  });
});

describe("local executor: no process outlives its run", () => {
  const cases: {
    name: string;
    prompt: string;
    spec?: Partial<ProcessSpec>;
    reason: string;
    act?: (handle: ProcessHandle, controller: AbortController) => Promise<void>;
  }[] = [
    { name: "a normal exit (grandchild holds stdout)", prompt: "GRANDCHILD\nSAY done", reason: "exited" },
    { name: "a hard timeout", prompt: "GRANDCHILD\nSLEEP 60000", spec: { hardTimeoutMs: 2000 }, reason: "timeout" },
    { name: "an idle timeout", prompt: "GRANDCHILD\nSLEEP 60000", spec: { idleTimeoutMs: 400 }, reason: "idle" },
    { name: "the output cap", prompt: "GRANDCHILD\nFLOOD 5000000", spec: { maxOutputBytes: 100_000 }, reason: "output_cap" },
    {
      name: "a cancel",
      prompt: "GRANDCHILD\nSLEEP 60000",
      reason: "cancelled",
      act: async (handle, controller) => {
        // The completed tool call is printed after grandchild.pid is written.
        await outputSeen(handle, '"type":"tool_call","subtype":"completed"');
        controller.abort();
      },
    },
    {
      name: 'stop("exited") after a lingering result',
      prompt: "GRANDCHILD\nSAY done\nHANG_AFTER_RESULT",
      reason: "exited",
      act: async (handle) => {
        await outputSeen(handle, '"type":"result"');
        handle.stop("exited");
      },
    },
  ];

  for (const { name, prompt, spec, reason, act } of cases) {
    it(`kills the grandchild after ${name}`, async () => {
      const controller = new AbortController();
      const handle = executor.run(agent(prompt, { ...spec, signal: controller.signal }));
      await act?.(handle, controller);
      const result = await handle.result;
      expect(result.reason).toBe(reason);
      const pid = grandchildPid();
      expect(pid).toBeGreaterThan(0);
      expect(isProcessAlive(pid)).toBe(false);
      expect(isProcessAlive(handle.pid!)).toBe(false);
    });
  }

  it("kills a background process that let go of the pipes when the leader exits", async () => {
    const result = await executor.run(sh("sleep 1000 >/dev/null 2>&1 & echo $! > bg.pid; echo started")).result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 0, stdout: "started\n" });
    expect(isProcessAlive(Number(readFileSync(join(dir, "bg.pid"), "utf8")))).toBe(false);
  });

  it("settles with the default pipe grace too", async () => {
    const handle = createLocalExecutor().run(agent("GRANDCHILD\nSAY done"));
    const result = await handle.result;
    expect(result).toMatchObject({ reason: "exited", exitCode: 0 });
    expect(isProcessAlive(grandchildPid())).toBe(false);
  });
});
