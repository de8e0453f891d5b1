// Mention extraction on its own: names and qualifiers, versions bound to their mention, roles.
import { describe, expect, it } from 'vitest';
import { expandVersions, findMentions } from '../../../src/ingest/reading/mentions.js';

const brief = (text: string, codes: string[] = []): string[] =>
  findMentions(text, codes).frameworks.map((m) => `${m.framework}${m.versions.length ? ` ${m.versions.join(',')}` : ''}${m.scope === 'and-earlier' ? '-' : ''} ${m.role}${m.upgradeTarget ? ' →' : ''}`);

describe('mentions', () => {
  it('binds versions across qualifiers, lists, ranges and "and earlier"', () => {
    expect(brief('PyTorch Training 2.5 GPU images')).toEqual(['pytorch 2.5 subject']);
    expect(brief('TensorFlow Enterprise 2.8')).toEqual(['tensorflow 2.8 subject']);
    expect(brief('Base versions with CUDA 12.4 and earlier')).toEqual(['base 12.4- subject']);
    expect(brief('TensorFlow 2.12 through 2.14')).toEqual(['tensorflow 2.12,2.13,2.14 subject']);
    expect(brief('Tensorflow has been updated to 2.9.1, 2.8.1, and 2.6.5')).toEqual(['tensorflow 2.9.1,2.8.1,2.6.5 subject →']);
    expect(brief('Upgraded R from 4.4.1 to 4.4.2')).toEqual(['r 4.4.2 subject →']);
  });

  it('knows the frameworks beyond the DLVM ones, and R and Ray only as names', () => {
    expect(brief('Hugging Face TGI 2.3, vLLM 0.6.3, SGLang 0.5, XGBoost 2.0, scikit-learn 1.5, PySpark 3.5, Ray 2.9')).toEqual(['huggingface 2.3 subject', 'vllm 0.6.3 subject', 'sglang 0.5 subject', 'xgboost 2.0 subject', 'scikit-learn 1.5 subject', 'spark 3.5 subject', 'ray 2.9 subject']);
    expect(brief('a ray of light, an array, r-squared')).toEqual([]);
    expect(brief('R 4.3 and Theia images')).toEqual(['r 4.3 subject', 'other subject']);
  });

  it('reads images for a CUDA version as Base images, unless another framework of the lexicon follows with its version', () => {
    expect(brief('Images for CUDA 12.8 are available.')).toEqual(['base 12.8 subject']);
    expect(brief('Images for CUDA 12.8 with cuDNN 9.1 are available.')).toEqual(['base 12.8 subject']);
    expect(brief('Images for CUDA 12.8 and Ubuntu 24.04 are available.')).toEqual(['base 12.8 subject']);
    // Any framework the lexicon knows, with up to two words before its version (not a hand list beside it).
    expect(brief('New containers for CUDA 12.8 with PyTorch Training 2.7 are available.')).toEqual(['pytorch 2.7 subject']);
    expect(brief('Images for CUDA 12.8 with WhisperX 3.1 are available.')).toEqual(['other 3.1 subject']);
    expect(brief('Images for CUDA 12.8 and Ray 2.47 are available.')).toEqual(['ray 2.47 subject']);
  });

  it('reads image and container names by their grammar', () => {
    expect(brief('', ['us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-4.py310'])).toEqual(['pytorch 2.4 subject']);
    expect(brief('see pytorch-2-4-cu124-debian-11-py310')).toEqual(['pytorch 2.4 subject']);
    expect(findMentions('common-cu121-debian-11-py310').images[0]).toMatchObject({ framework: 'base', version: '12.1', cuda: '12.1', python: '3.10', os: 'Debian 11' });
  });

  it('gives examples, past states, exclusions and libraries their role', () => {
    expect(brief('Names now carry the CUDA version (for example: pytorch-2-4-cu124)')).toEqual(['pytorch 2.4 example']);
    expect(brief('Except for TensorFlow images, new images drop conda')).toEqual(['tensorflow excluded']);
    expect(brief('TensorFlow Probability 0.23 is installed')).toEqual(['tensorflow library']);
    expect(brief('it was previously available only in PyTorch images')).toEqual(['pytorch past']);
  });

  it('states CUDA, Python, OS and CVE ids', () => {
    const m = findMentions('Updated from CUDA 12.1 to CUDA 12.2 with Python 3.10 on Ubuntu 22.04, fixing CVE-2024-1234 and CVE-2024-1234');
    expect([m.cuda, m.python, m.os, m.cves]).toEqual(['12.2', '3.10', 'Ubuntu 22.04', ['CVE-2024-1234']]);
  });

  it('expands version lists', () => {
    expect(expandVersions('2.12, 2.13, and 2.14')).toEqual({ versions: ['2.12', '2.13', '2.14'], from: null, target: false });
    expect(expandVersions('2.8.3 to 2.8.4')).toEqual({ versions: ['2.8.4'], from: '2.8.3', target: true });
  });
});
