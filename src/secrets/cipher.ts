/**
 * Secrets at rest: AES-256-GCM through WebCrypto (so the Workers build can read them too). A sealed
 * value is `enc:v1:<key id>:<iv>:<ciphertext+tag>` (base64url); the key id (the first 8 bytes of the
 * key's SHA-256, hex) says which key sealed it, so a rotation can tell old values from new. A value
 * without the prefix is plaintext from before encryption was turned on; it is read as it is.
 */

const PREFIX = "enc:v1:";

/** Key bytes (backed by a plain ArrayBuffer, as WebCrypto wants). */
export type KeyBytes = Uint8Array<ArrayBuffer>;

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export interface SecretCipher {
  /** Whether a key is configured (without one, values are stored as given). */
  readonly enabled: boolean;
  seal(plain: string): Promise<string>;
  /** The plaintext of a sealed value (or the value itself when it was never sealed). */
  open(value: string): Promise<string>;
  /** True when the value is plaintext, or sealed with a key other than the current one (after `ready`). */
  needsSealing(value: string): boolean;
  /** Resolves once the keys are imported. */
  readonly ready: Promise<void>;
}

const b64url = (bytes: Uint8Array<ArrayBuffer>) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const fromB64url = (text: string) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

/** 32 key bytes from 64 hex characters or base64 (standard or url-safe); null when it is neither. */
export function parseSecretKey(raw: string): KeyBytes | null {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Uint8Array.from(text.match(/../g) as string[], (pair) => Number.parseInt(pair, 16));
  try {
    const bytes = fromB64url(text.replace(/=+$/, ""));
    return bytes.length === 32 ? bytes : null;
  } catch {
    return null;
  }
}

async function keyId(bytes: KeyBytes): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Keys are imported on first use, so the cipher can be built synchronously with the other deps.
 *
 * @example
 * const cipher = createSecretCipher({ current: parseSecretKey(env.SECRETS_KEY), previous: [] });
 * const stored = await cipher.seal("ghp_…");   // "enc:v1:3f2a…:…"
 * await cipher.open(stored);                   // "ghp_…"
 */
export function createSecretCipher(options: { current?: KeyBytes | null | undefined; previous?: KeyBytes[] }): SecretCipher {
  const importKey = (bytes: KeyBytes) => crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
  let loaded: Promise<{ currentId: string | undefined; keys: Map<string, CryptoKey> }> | undefined;
  const load = () => {
    loaded ??= (async () => {
      const keys = new Map<string, CryptoKey>();
      let currentId: string | undefined;
      if (options.current) {
        currentId = await keyId(options.current);
        keys.set(currentId, await importKey(options.current));
      }
      for (const bytes of options.previous ?? []) {
        const id = await keyId(bytes);
        if (!keys.has(id)) keys.set(id, await importKey(bytes));
      }
      return { currentId, keys };
    })();
    return loaded;
  };
  /** The current key's id, known synchronously once loaded (needsSealing is synchronous). */
  let currentIdSync: string | undefined;
  const ready = options.current ? load().then(({ currentId }) => (currentIdSync = currentId)) : Promise.resolve(undefined);

  return {
    enabled: Boolean(options.current),

    async seal(plain) {
      const { currentId, keys } = await load();
      if (!currentId) return plain;
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const key = keys.get(currentId) as CryptoKey;
      const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plain)));
      return `${PREFIX}${currentId}:${b64url(iv)}:${b64url(sealed)}`;
    },

    async open(value) {
      if (!value.startsWith(PREFIX)) return value;
      const { keys } = await load();
      const [id, iv, data] = value.slice(PREFIX.length).split(":");
      const key = id ? keys.get(id) : undefined;
      if (!key || !iv || !data) {
        throw new SecretKeyError(
          `A stored secret was sealed with key ${id ?? "?"}, which is neither SECRETS_KEY nor one of SECRETS_KEY_PREVIOUS`,
        );
      }
      try {
        const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromB64url(iv) }, key, fromB64url(data));
        return new TextDecoder().decode(plain);
      } catch {
        throw new SecretKeyError(`A stored secret sealed with key ${id} could not be opened (altered, or the wrong key)`);
      }
    },

    needsSealing(value) {
      if (!options.current) return false;
      if (!currentIdSync) throw new Error("needsSealing before the keys were loaded: await cipher.ready first");
      return !value.startsWith(`${PREFIX}${currentIdSync}:`);
    },

    ready: ready.then(() => undefined),
  };
}
