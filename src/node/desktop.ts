// Node-only: `npm run desktop` — a local Xvfb + openbox for computer use (development, and the
// Dockerfile's desktop target, where it starts the display and then the server or the sidecar).
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { startDisplay } from "./xvfb";

const USAGE = "Usage: npm run desktop -- [:N] [WIDTHxHEIGHT] [-- command args...]   (default :99 1280x800)";

/**
 * Starts a display for DESKTOP_ENABLED=true and prints the DISPLAY to use. Without a command it runs
 * until Ctrl+C; with `-- command args` it runs the command with DISPLAY set and stops the display
 * when the command exits (passing its exit code on).
 *
 * @example
 * npm run desktop                                  # :99, 1280x800, until Ctrl+C
 * npm run desktop -- :42 1920x1080 -- npm start    # the server on its own display
 */
async function main() {
  const argv = process.argv.slice(2);
  const split = argv.indexOf("--");
  const own = split >= 0 ? argv.slice(0, split) : argv;
  const command = split >= 0 ? argv.slice(split + 1) : [];
  const number = Number((own[0] ?? ":99").replace(/^:/, ""));
  const [width, height] = (own[1] ?? "1280x800").split("x").map(Number);
  if (!Number.isInteger(number) || !width || !height) {
    console.error(USAGE);
    process.exit(2);
  }
  const x = await startDisplay({ number, width, height, windowManager: true });
  console.log(`Xvfb and openbox are running on DISPLAY=${x.display} (${width}x${height}).`);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await x.stop();
    process.exit(code);
  };
  if (command.length > 0) {
    const child = spawn(command[0]!, command.slice(1), { stdio: "inherit", env: { ...process.env, DISPLAY: x.display } });
    child.once("exit", (code, signal) => void stop(code ?? (signal ? 1 : 0)));
    child.once("error", (error) => {
      console.error(`Could not run ${command[0]}: ${error.message}`);
      void stop(1);
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => child.kill(signal));
    return;
  }
  console.log(`Start the server with:  DESKTOP_ENABLED=true DISPLAY=${x.display} npm start`);
  console.log(`Watch it with:  x11vnc -display ${x.display} -localhost -nopw  (a VNC viewer on 127.0.0.1:5900). Ctrl+C stops.`);
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`Could not start the desktop: ${(error as Error).message}`);
    process.exit(1);
  });
}
