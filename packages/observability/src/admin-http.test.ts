import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { requireBearer } from './admin-http';
import { adminTokenFields, adminTokenRequired, adminTokensOf, parseEnvConfig } from './env-config';

const OLD = 'old-admin-token-0123456789abcdef';
const NEW = 'new-admin-token-fedcba9876543210';

/** The middleware's verdict for one Authorization header: 'next' or the status it answered. */
function verdict(tokens: readonly string[], authorization?: string): 'next' | number {
  let result: 'next' | number = 'next';
  const req = { get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) };
  const res = {
    status(code: number) {
      result = code;
      return this;
    },
    set() {
      return this;
    },
    json() {
      return this;
    },
  };
  let called = false;
  requireBearer(tokens)(
    req as unknown as Request,
    res as unknown as Response,
    (() => {
      called = true;
    }) as NextFunction,
  );
  return called ? 'next' : result;
}

describe('the admin bearer check', () => {
  it('when two tokens are configured during a rotation, then each is accepted and anything else is refused', () => {
    expect(verdict([OLD, NEW], `Bearer ${OLD}`)).toBe('next');
    expect(verdict([OLD, NEW], `Bearer ${NEW}`)).toBe('next');
    expect(verdict([NEW], `Bearer ${OLD}`)).toBe(401);
    expect(verdict([OLD, NEW], `Bearer ${OLD.slice(0, -1)}`)).toBe(401);
    expect(verdict([OLD, NEW], `Bearer ${OLD}x`)).toBe(401);
    expect(verdict([OLD, NEW], OLD)).toBe(401);
    expect(verdict([OLD, NEW], undefined)).toBe(401);
  });

  it('when no token is configured, then the check refuses to be built (never an open admin API)', () => {
    expect(() => requireBearer([])).toThrow(/no admin token/);
    expect(() => requireBearer([''])).toThrow(/no admin token/);
  });
});

describe('the admin token settings', () => {
  const schema = z.object({ ...adminTokenFields, OTHER: z.string() }).refine(...adminTokenRequired);
  const parse = (env: Record<string, string>) => parseEnvConfig(schema, { OTHER: 'x', ...env });

  it('when ADMIN_TOKENS lists several tokens beside ADMIN_TOKEN, then all of them are accepted', () => {
    const result = parse({ ADMIN_TOKEN: OLD, ADMIN_TOKENS: ` ${NEW} , ${OLD},` });
    expect(result.kind === 'valid' && adminTokensOf(result.config)).toEqual([OLD, NEW]);
    const only = parse({ ADMIN_TOKENS: NEW });
    expect(only.kind === 'valid' && adminTokensOf(only.config)).toEqual([NEW]);
    const single = parse({ ADMIN_TOKEN: OLD });
    expect(single.kind === 'valid' && adminTokensOf(single.config)).toEqual([OLD]);
  });

  it('when neither is set, then that is named together with the other problems', () => {
    const result = parseEnvConfig(schema, { ADMIN_TOKEN: '', ADMIN_TOKENS: '' });
    expect(result.kind === 'valid' ? [] : result.problems).toEqual([
      expect.stringMatching(/^OTHER:/),
      expect.stringMatching(/^ADMIN_TOKEN: set ADMIN_TOKEN or ADMIN_TOKENS/),
    ]);
  });

  it('when a listed token is too short, then it is refused by its position, never shown', () => {
    const result = parse({ ADMIN_TOKENS: `${NEW},short-secret` });
    expect(result.kind === 'valid' ? [] : result.problems).toEqual([
      'ADMIN_TOKENS.1: must be a secret of at least 24 characters',
    ]);
    expect(JSON.stringify(result)).not.toContain('short-secret');
  });
});
