// Runtime-neutral: the parts of the RFB protocol (RFC 6143) the relay speaks itself.
import { HttpError } from "../../http/errors";
import { type ByteReader, u16, u32, u32Bytes } from "./bytes";
import { vncAuthResponse } from "./des";

const SECURITY_NONE = 1;
const SECURITY_VNC = 2;
const text = new TextDecoder();
const ascii = (value: string) => new TextEncoder().encode(value);

/** "RFB 003.008\n" → 8 (the minor version), or undefined when it is not an RFB 3.x greeting. */
export function protocolMinor(greeting: Uint8Array): number | undefined {
  const match = /^RFB 003\.(\d{3})\n$/.exec(text.decode(greeting));
  return match ? Number(match[1]) : undefined;
}

async function reason(reader: ByteReader): Promise<string> {
  const length = u32(await reader.read(4), 0);
  // Bounded: a reason is a sentence, not a megabyte.
  return length > 0 && length <= 4096 ? text.decode(await reader.read(length)) : "(no reason given)";
}

/**
 * The relay's side of the handshake with the VNC server, as a client: version 3.8 (or 3.7),
 * VNC authentication with the password (None when the server asks for none). Ends before
 * ClientInit, which the viewer sends. Throws HttpError 502 with what went wrong.
 */
export async function handshakeWithServer(reader: ByteReader, write: (bytes: Uint8Array) => void, password: string | undefined) {
  const minor = protocolMinor(await reader.read(12));
  // 3.889 is Apple's; it speaks 3.8 once asked to.
  if (minor === undefined || minor < 7) throw new HttpError(502, "The VNC server does not speak RFB 3.7 or later");
  const version = minor >= 8 ? 8 : 7;
  write(ascii(`RFB 003.00${version}\n`));
  const count = (await reader.read(1))[0]!;
  if (count === 0) throw new HttpError(502, `The VNC server refused the connection: ${await reason(reader)}`);
  const offered = [...(await reader.read(count))];
  const type =
    password !== undefined && offered.includes(SECURITY_VNC)
      ? SECURITY_VNC
      : offered.includes(SECURITY_NONE)
        ? SECURITY_NONE
        : undefined;
  if (type === undefined) {
    throw new HttpError(
      502,
      offered.includes(SECURITY_VNC)
        ? "The VNC server wants a password: set DESKTOP_VNC_PASSWORD"
        : `The VNC server offers no security type the relay speaks (offered: ${offered.join(", ")}; the relay speaks None and VNC authentication)`,
    );
  }
  write(new Uint8Array([type]));
  if (type === SECURITY_VNC) write(vncAuthResponse(password!, await reader.read(16)));
  if (type === SECURITY_VNC || version === 8) {
    if (u32(await reader.read(4), 0) !== 0) {
      const why = version === 8 ? await reason(reader) : "authentication failed";
      throw new HttpError(502, `The VNC server refused the relay's password (${why})`);
    }
  }
}

/**
 * The relay's side of the handshake with the browser, as a server: the viewer was authenticated
 * by the runner's bearer token at the WebSocket handshake, so it is offered security type None —
 * the VNC password never leaves the server. Resolves with the viewer's ClientInit byte.
 */
export async function handshakeWithViewer(reader: ByteReader, write: (bytes: Uint8Array) => void): Promise<Uint8Array> {
  write(ascii("RFB 003.008\n"));
  const minor = protocolMinor(await reader.read(12));
  if (minor === undefined || minor < 3) throw new HttpError(400, "The viewer did not send an RFB 3.x version");
  if (minor < 7) {
    write(u32Bytes(SECURITY_NONE));
  } else {
    write(new Uint8Array([1, SECURITY_NONE]));
    const chosen = (await reader.read(1))[0];
    if (chosen !== SECURITY_NONE) throw new HttpError(400, "The viewer chose a security type that was not offered");
    if (minor >= 8) write(u32Bytes(0));
  }
  return reader.read(1);
}

/** A client-to-server message the relay has framed: its bytes, and whether it drives the desktop. */
export interface ClientMessage {
  type: number;
  bytes: Uint8Array;
  /** Keyboard, pointer, clipboard, desktop resize or power (XVP): refused unless the viewer may control. */
  input: boolean;
}

/** Message types that act on the desktop rather than ask for pictures of it. */
const INPUT_TYPES = new Set([4, 5, 6, 250, 251, 255]);

/** The length of the message at the start of `buffer`, or undefined when more bytes are needed to tell. */
function messageLength(buffer: Uint8Array): number | undefined {
  const need = (n: number) => (buffer.length >= n ? true : undefined);
  switch (buffer[0]) {
    case 0: // SetPixelFormat
      return 20;
    case 2: // SetEncodings
      return need(4) && 4 + 4 * u16(buffer, 2);
    case 3: // FramebufferUpdateRequest
      return 10;
    case 4: // KeyEvent
      return 8;
    case 5: // PointerEvent
      return 6;
    case 6: {
      // ClientCutText; a negative length is the extended-clipboard form (its absolute value counts).
      if (!need(8)) return undefined;
      const raw = u32(buffer, 4);
      return 8 + (raw >= 0x80000000 ? 0x100000000 - raw : raw);
    }
    case 150: // EnableContinuousUpdates
      return 10;
    case 248: // ClientFence
      return need(9) && 9 + buffer[8]!;
    case 250: // XVP
      return 4;
    case 251: // SetDesktopSize
      return need(8) && 8 + 16 * buffer[6]!;
    case 255: // QEMU client message: only the extended key event (subtype 0) is known
      if (!need(2)) return undefined;
      if (buffer[1] !== 0) throw new HttpError(400, `Unknown QEMU client message subtype ${buffer[1]}`);
      return 12;
    default:
      throw new HttpError(400, `Unknown RFB client message type ${buffer[0]}`);
  }
}

/**
 * Frames the viewer's byte stream (after ClientInit) into whole messages, so that input can be
 * told from requests for pictures and dropped — a view-only viewer is view-only because the
 * relay says so, not because the browser promised. An unknown message type ends the connection:
 * without its length the stream cannot be followed. Messages over `maxMessageBytes` (a huge
 * clipboard) end it too.
 *
 * @example
 * const framer = createClientFramer();
 * for (const message of framer.push(chunk)) if (!message.input || allowed) upstream.write(message.bytes);
 */
export function createClientFramer(options: { maxMessageBytes?: number } = {}) {
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  let pending: Uint8Array = new Uint8Array(0);
  return {
    push(chunk: Uint8Array): ClientMessage[] {
      let buffer: Uint8Array;
      if (pending.length === 0) buffer = chunk;
      else {
        buffer = new Uint8Array(pending.length + chunk.length);
        buffer.set(pending, 0);
        buffer.set(chunk, pending.length);
      }
      const out: ClientMessage[] = [];
      let offset = 0;
      while (offset < buffer.length) {
        const rest = buffer.subarray(offset);
        const length = messageLength(rest);
        if (length !== undefined && length > maxMessageBytes) {
          throw new HttpError(413, `An RFB client message of ${length} bytes is over the relay's ${maxMessageBytes}-byte limit`);
        }
        if (length === undefined || rest.length < length) break;
        const type = rest[0]!;
        out.push({ type, bytes: rest.slice(0, length), input: INPUT_TYPES.has(type) });
        offset += length;
      }
      pending = buffer.slice(offset);
      return out;
    },
  };
}
