/**
 * `pnpm calcom:rotate-keys`: re-seals every stored Cal.com credential with the current key.
 * Put the new key first in CREDENTIAL_KEYS (or name it in CREDENTIAL_KEY_CURRENT), keep the old
 * ones listed, run this, then drop the old keys. Prints how many credentials it re-sealed.
 * Reads DATABASE_URL and the keys through config.ts, like the service.
 */
import { typeormTransactions } from '@rb/kafka-runner';
import { rotateCredentialKeys } from '../../accounts/calcom-accounts';
import { parseRotateKeysConfig } from '../../config';
import { CredentialCipher } from '../../credentials/credential-cipher';
import { makeDataSource } from '../../infra/db/data-source';

async function main(): Promise<void> {
  const parsed = parseRotateKeysConfig(process.env);
  if (parsed.kind === 'invalid') {
    throw new Error(
      `invalid configuration (CREDENTIAL_KEYS: id:base64key,… with the current key first):\n  ${parsed.problems.join('\n  ')}`,
    );
  }
  const { DATABASE_URL, CREDENTIAL_KEYS, CREDENTIAL_KEY_CURRENT } = parsed.config;
  const cipher = CredentialCipher.fromConfig(CREDENTIAL_KEYS, CREDENTIAL_KEY_CURRENT);
  const dataSource = makeDataSource(DATABASE_URL);
  await dataSource.initialize();
  try {
    const count = await rotateCredentialKeys(typeormTransactions(dataSource), cipher);
    console.log(`re-sealed ${count} credential(s) with key "${cipher.currentKey}"`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`rotation failed: ${(error as Error).message}`);
  process.exit(1);
});
