import { phraseScore } from './text-match';
import type { OfferedService } from './wish-inputs';

export interface ServiceMatch {
  service: OfferedService;
  confidence: number;
  how: 'named' | 'fuzzy' | 'default';
}

const FUZZY_THRESHOLD = 0.8;

/**
 * The branch's service the caller asked for: by its name or a synonym in what they said (the
 * analysis's reason first, else the caller's words), tolerant of misspellings; the branch's default
 * service (data, never a constant) when nothing matches, with low confidence.
 */
export function matchService(
  said: string[],
  services: OfferedService[],
  defaultServiceId: string,
): ServiceMatch | undefined {
  let best: ServiceMatch | undefined;
  for (const text of said) {
    for (const service of services) {
      for (const phrase of [service.name, service.slug.replace(/-/g, ' '), ...service.synonyms]) {
        const score = phraseScore(phrase, text);
        if (score >= FUZZY_THRESHOLD && (!best || score > best.confidence)) {
          best = { service, confidence: Math.round(score * 0.95 * 100) / 100, how: score === 1 ? 'named' : 'fuzzy' };
        }
      }
    }
    if (best) return best; // the earlier source (the analysis) wins over the transcript
  }
  const fallback = services.find((s) => s.id === defaultServiceId);
  return fallback ? { service: fallback, confidence: 0.3, how: 'default' } : undefined;
}
