/**
 * TOTP secrets at rest: AES-GCM under a key derived (HKDF-SHA-256) from the collection's token secret, with the
 * record bound in as additional data, so a copied row or database dump does not reveal anyone's authenticator.
 */
import { fromBase64Url, toBase64Url, utf8 } from "../../lib/bytes";

const VERSION = "v1";
const IV_BYTES = 12;

async function boxKey(collectionSecret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", utf8(collectionSecret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8("edgebase/totp"), info: utf8("totp secret v1") },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** Encrypts a secret for one record (`aad`, e.g. `collectionId/recordId`); returns `v1.<iv>.<ciphertext>`. */
export async function sealSecret(collectionSecret: string, aad: string, plain: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: utf8(aad) },
    await boxKey(collectionSecret),
    utf8(plain),
  );
  return `${VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

/**
 * Decrypts a sealed secret; undefined when it does not open (another record's row, a rotated collection
 * secret, or a damaged value): the caller treats that as "no authenticator".
 */
export async function openSecret(
  collectionSecret: string,
  aad: string,
  sealed: string,
): Promise<string | undefined> {
  const [version, ivPart, dataPart] = sealed.split(".");
  const iv = fromBase64Url(ivPart ?? "");
  const data = fromBase64Url(dataPart ?? "");
  if (version !== VERSION || !iv || !data || iv.length !== IV_BYTES) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: utf8(aad) },
      await boxKey(collectionSecret),
      data,
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
