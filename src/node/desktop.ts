// Node-only: `npm run desktop` — a local Xvfb + openbox for developing computer use.
import { pathToFileURL } from "node:url";
import { startDisplay } from "./xvfb";

/**
 * Starts a display for DESKTOP_ENABLED=true: `npm run desktop` (display :99, 1280×800) or
 * `npm run desktop -- :42 1920x1080`. Prints the DISPLAY to use and runs until Ctrl+C.
 */
async function main() {
  const [displayArg, sizeArg] = process.argv.slice(2);
  const number = Number((displayArg ?? ":99").replace(/^:/, ""));
  const [width, height] = (sizeArg ?? "1280x800").split("x").map(Number);
  if (!Number.isInteger(number) || !width || !height) {
    console.error("Usage: npm run desktop -- [:N] [WIDTHxHEIGHT]   (default :99 1280x800)");
    process.exit(2);
  }
  const x = await startDisplay({ number, width, height, windowManager: true });
  console.log(`Xvfb and openbox are running on DISPLAY=${x.display} (${width}x${height}). Start the server with:`);
  console.log(`  DESKTOP_ENABLED=true DISPLAY=${x.display} npm start`);
  console.log(
    "Watch it with x11vnc -display",
    x.display,
    "-localhost -nopw (then a VNC viewer on 127.0.0.1:5900). Ctrl+C stops.",
  );
  const stop = async () => {
    await x.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`Could not start the desktop: ${(error as Error).message}`);
    process.exit(1);
  });
}
