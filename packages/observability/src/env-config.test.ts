import { z } from 'zod';
import { commonEnvFields, parseEnvConfig } from './env-config';

const schema = z.object(commonEnvFields);
const parse = (env: Record<string, string>) => parseEnvConfig(schema, env);
const sampling = (env: Record<string, string>) => {
  const result = parse(env);
  return result.kind === 'valid'
    ? { sampler: result.config.OTEL_TRACES_SAMPLER, ratio: result.config.OTEL_TRACES_SAMPLER_ARG }
    : result.problems;
};

describe('the common settings: trace sampling', () => {
  it('when OTEL_TRACES_SAMPLER is unset or empty, then it is parentbased_always_on, without a ratio', () => {
    expect(sampling({})).toEqual({ sampler: 'parentbased_always_on', ratio: undefined });
    expect(sampling({ OTEL_TRACES_SAMPLER: '', OTEL_TRACES_SAMPLER_ARG: '' })).toEqual({
      sampler: 'parentbased_always_on',
      ratio: undefined,
    });
  });

  it('when a standard sampler is named in any case, with a decimal share, then both are taken', () => {
    expect(sampling({ OTEL_TRACES_SAMPLER: ' ParentBased_TraceIdRatio ', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
    });
    expect(sampling({ OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: '.5' })).toEqual({
      sampler: 'always_off',
      ratio: 0.5,
    });
    expect(sampling({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1' })).toEqual({
      sampler: 'traceidratio',
      ratio: 1,
    });
  });

  it('when the sampler is not one of the standard ones, or the share is no decimal from 0 to 1, then each is named as a problem', () => {
    expect(sampling({ OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_TRACES_SAMPLER_ARG: 'half' })).toEqual([
      'OTEL_TRACES_SAMPLER: must be one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
      'OTEL_TRACES_SAMPLER_ARG: must be a decimal from 0 to 1 (the share of new traces kept)',
    ]);
    for (const share of ['1.5', '-0.1', '0x1', 'Infinity', '1e-1', '10%']) {
      expect(sampling({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: share })).toEqual([
        'OTEL_TRACES_SAMPLER_ARG: must be a decimal from 0 to 1 (the share of new traces kept)',
      ]);
    }
  });
});
