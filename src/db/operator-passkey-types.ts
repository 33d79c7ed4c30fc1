import type { ColumnType, Generated } from "kysely";

/** What every passkey (WebAuthn credential) keeps, whoever holds it. */
export interface PasskeyColumns {
  id: Generated<string>;
  /** base64url, as the browser names it. */
  credential: string;
  public_key: Buffer;
  counter: ColumnType<string, number | undefined, number>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  name: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
}

/** A passkey of a platform operator: a town account's, without a town. */
export interface OperatorPasskeysTable extends PasskeyColumns {
  operator_id: string;
}

/** The WebAuthn challenge a session asked for (single use), and until when it holds. */
export interface WebauthnChallenge {
  webauthn_challenge: string | null;
  webauthn_challenge_expires_at: Date | null;
}

/** The last TOTP time step a factor accepted: a code serves once. */
export interface TotpStep {
  last_used_step: ColumnType<string | null, number | null | undefined, number | null>;
}

export interface OperatorPasskeyTables {
  operator_passkeys: OperatorPasskeysTable;
}
