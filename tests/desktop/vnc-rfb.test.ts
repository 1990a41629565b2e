import { describe, expect, it } from "vitest";
import { createByteReader } from "../../src/desktop/vnc/bytes";
import { desEncryptBlock, vncAuthResponse } from "../../src/desktop/vnc/des";
import { createClientFramer, handshakeWithServer, handshakeWithViewer, protocolMinor } from "../../src/desktop/vnc/rfb";
import { generateVncPassword } from "../../src/desktop/vnc/server";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

describe("DES for VNC authentication", () => {
  it("matches published DES vectors", () => {
    // FIPS 46 worked example, and a NIST known-answer pair.
    expect(hex(desEncryptBlock(bytes("133457799bbcdff1"), bytes("0123456789abcdef")))).toBe("85e813540f0ab405");
    expect(hex(desEncryptBlock(bytes("0e329232ea6d0d73"), bytes("8787878787878787")))).toBe("0000000000000000");
    expect(hex(desEncryptBlock(new Uint8Array(8), new Uint8Array(8)))).toBe("8ca64de9c1b123a7");
  });

  it("answers a challenge with each password byte mirrored, two blocks, the password cut to 8 bytes", () => {
    const challenge = bytes("0123456789abcdef0123456789abcdef");
    const answer = vncAuthResponse("password", challenge);
    expect(answer).toHaveLength(16);
    expect(hex(answer.subarray(0, 8))).toBe(hex(answer.subarray(8)));
    expect(hex(vncAuthResponse("password-longer", challenge))).toBe(hex(answer));
    // "password" mirrored byte by byte is the DES key.
    const mirrored = new Uint8Array(
      [...Buffer.from("password")].map((b) => Number.parseInt([...b.toString(2).padStart(8, "0")].reverse().join(""), 2)),
    );
    expect(hex(answer.subarray(0, 8))).toBe(hex(desEncryptBlock(mirrored, challenge.subarray(0, 8))));
    expect(() => vncAuthResponse("x", new Uint8Array(8))).toThrow(RangeError);
  });

  it("generates 8-character passwords", () => {
    const seen = new Set(Array.from({ length: 50 }, generateVncPassword));
    expect(seen.size).toBe(50);
    for (const password of seen) expect(password).toMatch(/^[A-Za-z2-9]{8}$/);
  });
});

describe("the relay's RFB framing of the viewer's messages", () => {
  const pointer = [5, 1, 0, 10, 0, 20];
  const key = [4, 1, 0, 0, 0, 0, 0xff, 0x0d];
  const update = [3, 1, 0, 0, 0, 0, 3, 32, 2, 88];
  const encodings = [2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xfc];

  it("frames whole messages across arbitrary chunk boundaries and tells input from picture requests", () => {
    const stream = new Uint8Array([...encodings, ...update, ...pointer, ...key]);
    for (let cut = 1; cut < stream.length; cut++) {
      const framer = createClientFramer();
      const messages = [...framer.push(stream.slice(0, cut)), ...framer.push(stream.slice(cut))];
      expect(messages.map((m) => [m.type, m.bytes.length, m.input])).toEqual([
        [2, 12, false],
        [3, 10, false],
        [5, 6, true],
        [4, 8, true],
      ]);
    }
  });

  it("counts clipboard text (also the extended form's negative length), fences, resizes and QEMU keys", () => {
    const framer = createClientFramer();
    const clipboard = [6, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x62, 0x63];
    const extended = [6, 0, 0, 0, 0xff, 0xff, 0xff, 0xfc, 1, 2, 3, 4];
    const fence = [248, 0, 0, 0, 0, 0, 0, 0, 2, 9, 9];
    const resize = [251, 0, 3, 32, 2, 88, 1, 0, ...new Array(16).fill(0)];
    const qemu = [255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 30];
    const messages = framer.push(new Uint8Array([...clipboard, ...extended, ...fence, ...resize, ...qemu]));
    expect(messages.map((m) => [m.type, m.bytes.length, m.input])).toEqual([
      [6, 11, true],
      [6, 12, true],
      [248, 11, false],
      [251, 24, true],
      [255, 12, true],
    ]);
  });

  it("ends the stream on an unknown message type or one over the size limit", () => {
    expect(() => createClientFramer().push(new Uint8Array([99, 0, 0]))).toThrow("Unknown RFB client message type 99");
    const huge = [6, 0, 0, 0, 0, 0x10, 0, 0];
    expect(() => createClientFramer({ maxMessageBytes: 1024 }).push(new Uint8Array(huge))).toThrow(
      /over the relay's 1024-byte limit/,
    );
  });
});

describe("the relay's handshakes", () => {
  const pair = () => {
    const reader = createByteReader();
    const written: Uint8Array[] = [];
    return { reader, written, write: (b: Uint8Array) => written.push(b) };
  };

  it("offers the viewer security None (RFB 3.8) and returns its ClientInit", async () => {
    const { reader, written, write } = pair();
    const done = handshakeWithViewer(reader, write);
    reader.push(new TextEncoder().encode("RFB 003.008\n"));
    reader.push(new Uint8Array([1]));
    reader.push(new Uint8Array([0]));
    expect([...(await done)]).toEqual([0]);
    expect(written.map(hex)).toEqual([hex(new TextEncoder().encode("RFB 003.008\n")), "0101", "00000000"]);
  });

  it("refuses a viewer that picks a type it was not offered", async () => {
    const { reader, write } = pair();
    const done = handshakeWithViewer(reader, write);
    reader.push(new TextEncoder().encode("RFB 003.008\n"));
    reader.push(new Uint8Array([2]));
    await expect(done).rejects.toThrow("The viewer chose a security type that was not offered");
  });

  it("authenticates to the server with the password, and says what went wrong when refused", async () => {
    const { reader, written, write } = pair();
    const done = handshakeWithServer(reader, write, "secret");
    const challenge = bytes("00112233445566778899aabbccddeeff");
    reader.push(new TextEncoder().encode("RFB 003.008\n"));
    reader.push(new Uint8Array([2, 2, 16]));
    reader.push(challenge);
    reader.push(new Uint8Array([0, 0, 0, 1, 0, 0, 0, 12]));
    reader.push(new TextEncoder().encode("Wrong passwd"));
    await expect(done).rejects.toThrow("The VNC server refused the relay's password (Wrong passwd)");
    expect(written.map(hex)).toEqual([
      hex(new TextEncoder().encode("RFB 003.008\n")),
      "02",
      hex(vncAuthResponse("secret", challenge)),
    ]);
  });

  it("asks for DESKTOP_VNC_PASSWORD when the server wants one and none is set, and refuses RFB 3.3", async () => {
    const first = pair();
    const needsPassword = handshakeWithServer(first.reader, first.write, undefined);
    first.reader.push(new TextEncoder().encode("RFB 003.008\n"));
    first.reader.push(new Uint8Array([1, 2]));
    await expect(needsPassword).rejects.toThrow("The VNC server wants a password: set DESKTOP_VNC_PASSWORD");
    const old = pair();
    const tooOld = handshakeWithServer(old.reader, old.write, "x");
    old.reader.push(new TextEncoder().encode("RFB 003.003\n"));
    await expect(tooOld).rejects.toThrow("The VNC server does not speak RFB 3.7 or later");
    expect(protocolMinor(new TextEncoder().encode("RFB 003.889\n"))).toBe(889);
  });
});
