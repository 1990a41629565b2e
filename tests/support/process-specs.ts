// Node-only: ProcessSpec builders for the executor tests (a shell script, or the fake cursor agent).
import { cursorArgs } from "../../src/agents/cursor";
import type { ProcessSpec } from "../../src/exec/types";
import { FAKE_AGENT } from "./server-process";

type Limits = Pick<ProcessSpec, "hardTimeoutMs" | "idleTimeoutMs" | "maxOutputBytes" | "killGraceMs">;

/** `sh(script)` and `agent(prompt)` specs run in the current `cwd()` with `limits`; `overrides` win over both. */
export function processSpecs(cwd: () => string, limits: Limits) {
  const spec = (command: string, args: string[], overrides: Partial<ProcessSpec>): ProcessSpec => ({
    command,
    args,
    cwd: cwd(),
    ...limits,
    ...overrides,
  });
  return {
    sh: (script: string, overrides: Partial<ProcessSpec> = {}) => spec("/bin/sh", ["-c", script], overrides),
    agent: (prompt: string, overrides: Partial<ProcessSpec> = {}) =>
      spec(FAKE_AGENT, cursorArgs({ prompt, outputFormat: "stream-json" }), overrides),
  };
}
