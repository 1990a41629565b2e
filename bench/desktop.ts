// Node-only: computer-use latency — our route (in process, local executor; and through a real
// sidecar) against calling the X tool directly, as ratios measured in the same run.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestContext } from "../tests/support/deps";
import { startSidecarProcess } from "../tests/support/sidecar-process";
import { startTestDisplay } from "../tests/support/xvfb";
import { ms, summarize } from "./stats";

type Sample = () => Promise<unknown>;

export interface DesktopBenchRow {
  what: string;
  p50Ms: number;
  p95Ms: number;
  /** p50 over the direct tool's p50. */
  ratio: number;
}

const direct = (display: string, command: string, args: string[]) => () =>
  new Promise<void>((resolve, reject) =>
    execFile(command, args, { env: { ...process.env, DISPLAY: display }, encoding: "buffer", maxBuffer: 64 << 20 }, (error) =>
      error ? reject(error) : resolve(),
    ),
  );

async function time(sample: Sample, runs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await sample();
    samples.push(performance.now() - start);
  }
  return samples;
}

/**
 * `npm run bench` (desktop part): on a private Xvfb (1280×800 with a window on it), `runs`
 * screenshots and pointer moves through POST /computer-use with the local executor and with
 * EXECUTOR=sidecar, and the same with `import -window root png:-` / `xdotool mousemove` run
 * directly. Each variant is warmed up first; the samples are interleaved per round so machine
 * noise hits all of them alike.
 *
 * @example
 * await benchDesktop({ runs: 30 });
 */
export async function benchDesktop({ runs = 30 } = {}): Promise<DesktopBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "bench-desktop-"));
  const x = await startTestDisplay({ windowManager: true });
  const sidecar = await startSidecarProcess(dir);
  const filesRoot = join(dir, "files");
  mkdirSync(filesRoot, { recursive: true });
  const env = {
    PATH: process.env.PATH ?? "",
    DESKTOP_ENABLED: "true",
    DISPLAY: x.display,
    DESKTOP_FILES_ROOT: filesRoot,
    LOG_LEVEL: "warn",
  };
  const local = await makeTestContext(env);
  const remote = await makeTestContext({ ...env, EXECUTOR: "sidecar", SIDECAR_URL: sidecar.url, SIDECAR_TOKEN: sidecar.token });
  try {
    await x.run("xsetroot", ["-solid", "#336699"]);
    x.client("xterm", ["-geometry", "100x30+100+100", "-e", "sh", "-c", "ls -la /usr/bin | head -40; sleep 600"]);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const action = (ctx: typeof local, body: unknown) => async () => {
      const res = await ctx.app.request("/computer-use", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.status !== 200) throw new Error(`bench action failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    let n = 0;
    const point = () => ({ x: 10 + (n++ % 500), y: 20 + (n % 300) });
    const variants: Record<string, Sample> = {
      "screenshot: import directly": direct(x.display, "import", ["-silent", "-window", "root", "png:-"]),
      "screenshot: POST /computer-use (local)": action(local, { action: "screenshot" }),
      "screenshot: POST /computer-use (sidecar)": action(remote, { action: "screenshot" }),
      "move: xdotool directly": () => direct(x.display, "xdotool", ["mousemove", String(point().x), String(point().y)])(),
      "move: POST /computer-use (local)": () => action(local, { action: "move_mouse", coordinates: point() })(),
      "move: POST /computer-use (sidecar)": () => action(remote, { action: "move_mouse", coordinates: point() })(),
    };
    for (const sample of Object.values(variants)) await time(sample, 3); // warm-up
    const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, [] as number[]]));
    for (let round = 0; round < runs; round++) {
      for (const [name, sample] of Object.entries(variants)) samples[name]!.push(...(await time(sample, 1)));
    }
    const stats = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summarize(s)]));
    const rows: DesktopBenchRow[] = Object.entries(stats).map(([what, s]) => {
      const baseline = what.startsWith("screenshot") ? stats["screenshot: import directly"]! : stats["move: xdotool directly"]!;
      return { what, p50Ms: s.p50, p95Ms: s.p95, ratio: s.p50 / baseline.p50 };
    });
    console.log(`\nDesktop (Xvfb 1280×800), ${runs} interleaved rounds`);
    console.table(
      Object.fromEntries(rows.map((r) => [r.what, { p50: ms(r.p50Ms), p95: ms(r.p95Ms), "× direct": r.ratio.toFixed(2) }])),
    );
    return rows;
  } finally {
    local.deps.desktop.close();
    remote.deps.desktop.close();
    local.cleanup();
    remote.cleanup();
    await sidecar.stop();
    await x.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
