/** The exhaustive end of every switch over a result's `kind`: a new kind fails to compile here. */
export function assertNever(value: never): never {
  throw new Error(`unexpected result ${JSON.stringify(value)}`);
}
