/**
 * A software WebAuthn authenticator for tests: a P-256 key pair from WebCrypto, authenticator data, 'none'
 * attestation and assertions built by hand (CBOR via tiny-cbor, re-exported by @simplewebauthn/server/helpers).
 * It answers like a browser plus a platform authenticator would, so the server's real verifier checks it.
 */
import { isoCBOR } from "@simplewebauthn/server/helpers";
import { toBase64Url } from "../../../src/lib/bytes";

// biome-ignore lint/suspicious/noExplicitAny: option and credential JSON as the endpoints return and take it.
type Json = any;

const enc = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

/** ECDSA raw r||s (WebCrypto) to the DER SEQUENCE WebAuthn carries. */
function derSignature(raw: Uint8Array): Uint8Array {
  const int = (bytes: Uint8Array) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const v = (bytes[i] ?? 0) & 0x80 ? concat(new Uint8Array([0]), bytes.slice(i)) : bytes.slice(i);
    return concat(new Uint8Array([0x02, v.length]), v);
  };
  const body = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(new Uint8Array([0x30, body.length]), body);
}

/** Flags of authenticator data: user present, user verified, attested credential data. */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

/** One credential on a software authenticator. */
export class SoftAuthenticator {
  counter = 0;
  readonly credentialId = crypto.getRandomValues(new Uint8Array(32));
  userHandle = "";
  #keys: CryptoKeyPair | undefined;

  /** base64url credential id (the credential's `id`). */
  get id(): string {
    return toBase64Url(this.credentialId);
  }

  async #keyPair(): Promise<CryptoKeyPair> {
    this.#keys ??= (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    return this.#keys;
  }

  async #authData(rpId: string, flags: number, attested?: Uint8Array): Promise<Uint8Array> {
    const head = concat(await sha256(enc.encode(rpId)), new Uint8Array([flags]), u32(this.counter));
    return attested ? concat(head, attested) : head;
  }

  /** Answers `navigator.credentials.create(options)` as seen from `origin`. */
  async register(options: Json, origin: string, overrides: { type?: string } = {}): Promise<Json> {
    const keys = await this.#keyPair();
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, raw.slice(1, 33)],
        [-3, raw.slice(33, 65)],
      ]),
    );
    const attested = concat(
      new Uint8Array(16),
      new Uint8Array([0, this.credentialId.length]),
      this.credentialId,
      cose,
    );
    const authData = await this.#authData(options.rp.id, UP | UV | AT, attested);
    const clientData = enc.encode(
      JSON.stringify({ type: overrides.type ?? "webauthn.create", challenge: options.challenge, origin }),
    );
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ["fmt", "none"],
        ["attStmt", new Map<string, string>()],
        ["authData", authData],
      ]),
    );
    this.userHandle = options.user.id;
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientData),
        attestationObject: toBase64Url(attestationObject),
        transports: ["internal"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }

  /** Answers `navigator.credentials.get(options)` as seen from `origin`; the counter moves by `step`. */
  async assert(options: Json, origin: string, step = 1): Promise<Json> {
    const keys = await this.#keyPair();
    this.counter += step;
    const authData = await this.#authData(options.rpId, UP | UV);
    const clientData = enc.encode(
      JSON.stringify({ type: "webauthn.get", challenge: options.challenge, origin }),
    );
    const signed = concat(authData, await sha256(clientData));
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        keys.privateKey,
        signed as Uint8Array<ArrayBuffer>,
      ),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientData),
        authenticatorData: toBase64Url(authData),
        signature: toBase64Url(derSignature(raw)),
        userHandle: this.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: "platform",
    };
  }
}
