/** The default of an exhaustive switch over a result union: a result it does not name is a bug. */
export function assertNever(value: never): never {
  throw new Error(`unexpected result ${JSON.stringify(value)}`);
}
