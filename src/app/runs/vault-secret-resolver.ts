/**
 * The runtime's SecretResolver over the app's vault: each call decrypts one secret, logged as a
 * use by this workflow, and keeps nothing. A locked vault fails the node with the vault's reason.
 */
import type { SecretResolver } from '../../runtime/index.ts';

export interface SecretReader {
  readSecret(
    secretId: string,
    options: { purpose: 'use' | 'reveal'; workflowId?: string | null },
  ): Promise<string>;
}

export function vaultSecretResolver(vault: SecretReader, workflowId: string): SecretResolver {
  return {
    resolve: (secretId) => vault.readSecret(secretId, { purpose: 'use', workflowId }),
  };
}
