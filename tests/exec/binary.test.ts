import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalExecutor } from "../../src/exec/local";
import { createCapture } from "../../src/exec/local-capture";
import { createSidecarExecutor } from "../../src/exec/sidecar";
import type { Executor, ProcessSpec } from "../../src/exec/types";
import { type SidecarProcess, startSidecarProcess } from "../support/sidecar-process";

const dir = mkdtempSync(join(tmpdir(), "binary-exec-"));
/** Every byte value, several times over (so a PNG-like payload spans many pipe reads). */
const BYTES = Buffer.from(Array.from({ length: 300_001 }, (_, i) => (i * 7 + (i >> 8)) % 256));
let sidecar: SidecarProcess;
beforeAll(async () => {
  writeFileSync(join(dir, "bytes.bin"), BYTES);
  sidecar = await startSidecarProcess(dir);
});
afterAll(async () => {
  await sidecar?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const spec = (overrides: Partial<ProcessSpec>): ProcessSpec => ({
  command: "cat",
  args: [],
  cwd: dir,
  hardTimeoutMs: 20_000,
  idleTimeoutMs: 20_000,
  maxOutputBytes: 1_000_000,
  ...overrides,
});

describe.each([
  ["local", () => createLocalExecutor({ pipeGraceMs: 300 })],
  ["sidecar", () => createSidecarExecutor({ url: sidecar.url, token: sidecar.token })],
] as [string, () => Executor][])("binary stdin and stdout (%s executor)", (_name, make) => {
  it("stdoutEncoding base64: the result is the bytes' base64, and the streamed chunks concatenate to it", async () => {
    const handle = make().run(spec({ command: "cat", args: [join(dir, "bytes.bin")], stdoutEncoding: "base64" }));
    let streamed = "";
    handle.onOutput((chunk) => {
      if (chunk.stream === "stdout") streamed += chunk.text;
    });
    const result = await handle.result;
    expect(result.reason).toBe("exited");
    expect(Buffer.from(result.stdout, "base64")).toEqual(BYTES);
    expect(streamed).toBe(result.stdout);
  });

  it("stdinEncoding base64: the process reads the exact bytes; stderr stays text", async () => {
    const out = join(dir, `written-${_name}.bin`);
    const result = await make().run(
      spec({
        command: "sh",
        args: ["-c", 'cat > "$0"; echo wrote >&2', out],
        stdin: BYTES.toString("base64"),
        stdinEncoding: "base64",
      }),
    ).result;
    expect(result, result.error).toMatchObject({ reason: "exited", exitCode: 0, stderr: "wrote\n" });
    expect(readFileSync(out)).toEqual(BYTES);
  });

  it("the output cap counts raw bytes (not base64 characters)", async () => {
    const result = await make().run(
      spec({ command: "cat", args: [join(dir, "bytes.bin")], maxOutputBytes: 1000, stdoutEncoding: "base64" }),
    ).result;
    expect(result.reason).toBe("output_cap");
    expect(Buffer.from(result.stdout, "base64")).toEqual(BYTES.subarray(0, 1000));
  });
});

describe("the bounded capture in base64", () => {
  it("keeps 3-byte groups whole across chunks of any size", () => {
    const capture = createCapture(10_000, "base64");
    const pieces: string[] = [];
    for (let at = 0, size = 1; at < 1000; at += size, size = (size % 5) + 1)
      pieces.push(capture.push(BYTES.subarray(at, Math.min(at + size, 1000))).text);
    pieces.push(capture.end());
    expect(pieces.join("")).toBe(BYTES.subarray(0, 1000).toString("base64"));
    expect(capture.text()).toBe(pieces.join(""));
  });

  it("the sidecar refuses an unknown encoding, naming the field", async () => {
    const res = await fetch(`${sidecar.url}/v1/processes`, {
      method: "POST",
      headers: { Authorization: `Bearer ${sidecar.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...spec({}), stdoutEncoding: "hex" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("stdoutEncoding must be one of utf8, base64");
  });
});
