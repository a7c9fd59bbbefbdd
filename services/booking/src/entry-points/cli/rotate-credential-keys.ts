/**
 * `pnpm calcom:rotate-keys`: re-seals every stored Cal.com credential with the current key.
 * Put the new key first in CREDENTIAL_KEYS (or name it in CREDENTIAL_KEY_CURRENT), keep the old
 * ones listed, run this, then drop the old keys. Prints how many credentials it re-sealed.
 */
import { typeormTransactions } from '@rb/kafka-runner';
import { rotateCredentialKeys } from '../../accounts/calcom-accounts';
import { CredentialCipher } from '../../credentials/credential-cipher';
import { makeDataSource } from '../../infra/db/data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/booking';
  const keys = process.env.CREDENTIAL_KEYS;
  if (!keys) throw new Error('CREDENTIAL_KEYS is not set (id:base64key,… with the current key first)');
  const cipher = CredentialCipher.fromConfig(keys, process.env.CREDENTIAL_KEY_CURRENT || undefined);
  const dataSource = makeDataSource(url);
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
