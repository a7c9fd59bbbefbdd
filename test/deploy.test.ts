import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from './paths';

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  profiles?: string[];
  environment?: Record<string, unknown>;
};
const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};

describe('docker-compose.yml', () => {
  it('when parsed, then it is valid YAML with the whole stack', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'kafka',
        'registry',
        'redis',
        'ingress',
        'call-processor',
        'booking',
        'cost',
        'prometheus',
        'grafana',
      ]),
    );
  });

  it('when an image is pulled, then it is pinned to an exact version (never latest or a bare name)', () => {
    const pulled = Object.entries(compose.services).filter(([, s]) => s.build === undefined);
    expect(pulled.length).toBeGreaterThan(3);
    for (const [name, service] of pulled) {
      expect([name, service.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:v?\d+(\.\d+)+$/)]);
    }
  });

  it('when started without profiles, then every service runs', () => {
    for (const name of ['ingress', 'call-processor', 'booking', 'cost']) {
      expect([name, compose.services[name]!.profiles]).toEqual([name, undefined]);
    }
  });

  it.each([
    ['ingress', 'RETELL_API_KEY'],
    ['call-processor', 'ADMIN_TOKEN'],
    ['booking', 'ADMIN_TOKEN'],
    ['booking', 'CREDENTIAL_KEYS'],
    ['cost', 'ADMIN_TOKEN'],
  ])('when %s starts, then its secret %s comes from .env and is required (never a default)', (name, variable) => {
    expect(String(compose.services[name]!.environment?.[variable])).toMatch(/^\$\{[A-Z_]+:\?.+\}$/);
  });

  it.each(['ingress', 'call-processor', 'booking', 'cost'])(
    'when %s is built here, then it is built from the one shared Dockerfile, naming its folder under services/',
    (service) => {
      expect(compose.services[service]!.build).toEqual({
        context: '.',
        dockerfile: 'Dockerfile',
        args: { SERVICE: service, PORTS: expect.stringMatching(/^\d+( \d+)*$/) },
      });
      expect(existsSync(join(REPO_ROOT, 'services', service, 'package.json'))).toBe(true);
    },
  );

  it.each(['ingress', 'call-processor', 'booking', 'cost'])(
    'when %s is built here, then its Dockerfile base images are pinned too',
    (service) => {
      const build = compose.services[service]!.build!;
      const dockerfile = readFileSync(join(REPO_ROOT, build.context, build.dockerfile), 'utf8');
      const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
      expect(bases.length).toBeGreaterThan(0);
      for (const base of bases.filter((b) => b.includes(':'))) expect(base).toMatch(/:\d+(\.\d+)*(-[\w.]+)?$/);
    },
  );
});

describe('deploy/prometheus', () => {
  it('when the rule files are parsed, then every group has rules with a name and an expression', () => {
    const dir = join(REPO_ROOT, 'deploy', 'prometheus', 'rules');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yml') && !f.endsWith('.test.yml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const { groups } = doc.toJSON() as {
          groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
        };
        for (const group of groups) {
          expect(group.rules.length).toBeGreaterThan(0);
          for (const rule of group.rules) {
            expect(rule.record ?? rule.alert).toBeTruthy();
            expect(rule.expr).toBeTruthy();
          }
        }
      }
    }
  });
});
