import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isoBase64URL, isoCBOR } from "@simplewebauthn/server/helpers";

/**
 * A passkey held in memory, answering as a phone's authenticator does (WebAuthn level 2, ES256
 * on P-256, attestation « none », user present and verified): real responses the server checks
 * with its real library, without a browser.
 */
const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();

export function softAuthenticator(origin: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const rawId = randomBytes(16);
  const id = b64(rawId);
  let counter = 0;
  const clientData = (type: string, challenge: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const authData = (rpID: string, flags: number, attested = Buffer.alloc(0)) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([sha256(rpID), Buffer.from([flags]), count, attested]);
  };

  return {
    id,
    /** The answer to `navigator.credentials.create` with the server's options. */
    create(options: { challenge: string; rp: { id?: string } }) {
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, isoBase64URL.toBuffer(jwk.x ?? "")],
        [-3, isoBase64URL.toBuffer(jwk.y ?? "")],
      ]);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(rawId.length);
      const attested = Buffer.concat([Buffer.alloc(16), length, rawId, isoCBOR.encode(cose)]);
      const authenticatorData = authData(options.rp.id ?? "", 0x45, attested);
      const attestationObject = isoCBOR.encode(
        new Map<string, string | Map<string, string> | Uint8Array>([
          ["fmt", "none"],
          ["attStmt", new Map<string, string>()],
          ["authData", authenticatorData],
        ]),
      );
      const response = {
        clientDataJSON: b64(clientData("webauthn.create", options.challenge)),
        attestationObject: b64(attestationObject),
        transports: ["internal"],
      };
      return { id, rawId: id, type: "public-key", response, clientExtensionResults: {} };
    },
    /** The answer to `navigator.credentials.get` with the server's options (signed, counter up). */
    get(options: { challenge: string; rpId?: string }) {
      counter += 1;
      const authenticatorData = authData(options.rpId ?? "", 0x05);
      const json = clientData("webauthn.get", options.challenge);
      const signature = sign("sha256", Buffer.concat([authenticatorData, sha256(json)]), privateKey);
      const response = {
        clientDataJSON: b64(json),
        authenticatorData: b64(authenticatorData),
        signature: b64(signature),
      };
      return { id, rawId: id, type: "public-key", response, clientExtensionResults: {} };
    },
  };
}
