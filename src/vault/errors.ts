/**
 * Every way the vault can refuse, as a typed error whose message says what went wrong and
 * what to do. Each is thrown before anything is written, so "nothing was changed" holds.
 */

export type VaultErrorCode =
  | 'wrong_passphrase'
  | 'weak_passphrase'
  | 'secret_tampered'
  | 'key_missing'
  | 'stale_copy'
  | 'wrapped_key_invalid'
  | 'vault_locked'
  | 'vault_not_set_up'
  | 'version_conflict'
  | 'not_allowed'
  | 'malformed';

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class WrongPassphraseError extends VaultError {
  constructor(options?: ErrorOptions) {
    super('wrong_passphrase', 'Wrong vault passphrase: nothing was changed', options);
  }
}

export class WeakPassphraseError extends VaultError {
  constructor(minLength: number) {
    super(
      'weak_passphrase',
      `The vault passphrase must be at least ${minLength} characters long: choose a longer one (a few unrelated words work well)`,
    );
  }
}

export class SecretTamperedError extends VaultError {
  constructor(secretId: string, options?: ErrorOptions) {
    super(
      'secret_tampered',
      `This secret was tampered with or moved from another row (secret ${secretId}): it was not decrypted and nothing was changed`,
      options,
    );
  }
}

export class VaultKeyMissingError extends VaultError {
  readonly tenantId: string;
  readonly keyVersion: number;
  constructor(tenantId: string, keyVersion: number) {
    super(
      'key_missing',
      `This device has no access to version ${keyVersion} of this organization's vault key: ` +
        'if you were just added or reset your passphrase, an admin’s Flowkeep will share it as soon as one is online; ' +
        'if you were removed, you no longer have access',
    );
    this.tenantId = tenantId;
    this.keyVersion = keyVersion;
  }
}

export class StaleSecretCopyError extends VaultError {
  constructor(secretId: string, copyVersion: number, currentVersion: number) {
    super(
      'stale_copy',
      `This device's copy of secret ${secretId} is from before the vault key was rotated (version ${copyVersion}, now ${currentVersion}): ` +
        'wait for sync to bring the re-encrypted copy, then try again',
    );
  }
}

export class WrappedKeyInvalidError extends VaultError {
  constructor(tenantId: string, keyVersion: number, options?: ErrorOptions) {
    super(
      'wrapped_key_invalid',
      `The vault key (version ${keyVersion}) shared with you for organization ${tenantId} could not be opened: ` +
        'it was shared with another key pair or altered. Nothing was changed; ask an admin to share it again',
      options,
    );
  }
}

export class VaultLockedError extends VaultError {
  constructor() {
    super('vault_locked', 'The vault is locked: unlock it with your vault passphrase first');
  }
}

export class VaultNotSetUpError extends VaultError {
  constructor(what: string) {
    super('vault_not_set_up', what);
  }
}

export class VaultVersionConflictError extends VaultError {
  constructor(expected: number, actual: number | null) {
    super(
      'version_conflict',
      `The vault key was rotated by someone else meanwhile (expected version ${expected}, found ${actual ?? 'none'}): nothing was changed; reload and try again`,
    );
  }
}

export class VaultNotAllowedError extends VaultError {
  constructor(message: string) {
    super('not_allowed', message);
  }
}

export class MalformedVaultDataError extends VaultError {
  constructor(what: string) {
    super('malformed', `${what} is malformed: nothing was changed`);
  }
}
