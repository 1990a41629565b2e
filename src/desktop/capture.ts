// Runtime-neutral: screenshot (ImageMagick `import`) and pointer position (xdotool) argv and parsing.
import { base64ToBytes } from "../exec/base64";
import { HttpError } from "../http/errors";

/** `import` args for a PNG of the whole screen on stdout, optionally shrunk to `scale`. */
export function screenshotArgs(scale: number): string[] {
  const resize = scale < 1 ? ["-resize", `${Number((scale * 100).toFixed(3))}%`] : [];
  return ["-silent", "-window", "root", ...resize, "png:-"];
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23), read from the start of its base64. */
export function pngSize(base64: string): { width: number; height: number } {
  const head = base64ToBytes(base64.slice(0, 32));
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length < 24 || signature.some((byte, i) => head[i] !== byte)) {
    throw new HttpError(502, "The screenshot tool did not produce a PNG image");
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** `xdotool getmouselocation --shell` output (X=…, Y=…, SCREEN=…, WINDOW=…) → {x, y}. */
export function parseMouseLocation(output: string): { x: number; y: number } {
  const values = Object.fromEntries(
    output
      .split("\n")
      .map((line) => line.trim().split("="))
      .filter((pair) => pair.length === 2),
  );
  const x = Number(values.X);
  const y = Number(values.Y);
  if (!Number.isInteger(x) || !Number.isInteger(y))
    throw new HttpError(502, `Unexpected pointer position from xdotool: ${output.trim()}`);
  return { x, y };
}
