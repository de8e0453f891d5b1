// Composition on its own: which mentions are the subject, and what a statement becomes.
import { describe, expect, it } from 'vitest';
import { chooseSubjects, composeFindings } from '../../../src/ingest/reading/compose.js';
import { findMentions } from '../../../src/ingest/reading/mentions.js';
import { readPredicate } from '../../../src/ingest/reading/predicates.js';

function events(text: string): string[] {
  const mentions = findMentions(text);
  const predicate = readPredicate(text, null, 'feature', mentions);
  const { subjects } = chooseSubjects(text, mentions, predicate.kind);
  return composeFindings(text, mentions, predicate, subjects).map((f) => `${f.kind} ${f.framework ?? '-'} ${f.version ?? '-'}`);
}

describe('composition', () => {
  it('one line named twice is one event, at its most specific version', () => {
    expect(events('Upgraded TensorFlow 2.13 images to TensorFlow 2.13.2.')).toEqual(['patch-update tensorflow 2.13.2']);
    expect(events('PyTorch 2.9.1 patch release for PyTorch 2.9 images.')).toEqual(['patch-update pytorch 2.9.1']);
  });

  it('the images a change lands in are its subject; what they bundle is not', () => {
    expect(events('PyTorch has been removed from Theia IDE images.')).toEqual(['dependency-update other -']);
    expect(events('vLLM 0.6 containers with PyTorch 2.4 are now available.')).toEqual(['new-image vllm 0.6']);
    expect(events('PyTorch 2.4.0 with CUDA 12.4 and Python 3.10 VM images are now available.')).toEqual(['new-image pytorch 2.4.0']);
  });

  it('Python is the subject only when a Python version itself stops or starts being offered', () => {
    expect(events('Python 3.8 is no longer available in new images.')).toEqual(['deprecation python 3.8']);
    expect(events('Upgraded Python to 3.11 in all images.')).toEqual(['dependency-update - -']);
  });

  it('a statement naming no framework is about every image; one not understood is "other"', () => {
    expect(events('Regular package refreshment and bug fixes.')).toEqual(['dependency-update - -', 'fix - -']);
    expect(events('The scheduler runs at dawn.')).toEqual(['other - -']);
  });
});
