// Predicate reading on its own: which kind a statement states, with "fix of X", negation, lead-ins.
import { describe, expect, it } from 'vitest';
import { findMentions } from '../../../src/ingest/reading/mentions.js';
import { readPredicate } from '../../../src/ingest/reading/predicates.js';
import type { NoteType } from '../../../src/domain/events.js';

const kind = (text: string, noteType: NoteType = 'feature', context: string | null = null): string | null => readPredicate(text, context, noteType, findMentions(text)).kind;

describe('predicates', () => {
  it('reads the kind a statement states, not its section', () => {
    expect(kind('Updated Nvidia drivers to version 550.90.07 to fix vulnerabilities.')).toBe('security-update');
    expect(kind('TensorFlow 2.6 images are deprecated.', 'fixed')).toBe('deprecation');
    expect(kind('PyTorch versions 2.3 and earlier have reached their end of patch and support dates.', 'breaking')).toBe('end-of-support-reached');
    expect(kind('tf-2-12-gpu is renamed tf-2-12-cu118.')).toBe('rename');
    expect(kind('PyTorch 2.4 containers are now available.')).toBe('new-image');
    expect(kind('Bumped PyTorch to 2.12.1')).toBe('patch-update');
    expect(kind('NCCL bumped to 2.30.7')).toBe('dependency-update');
    expect(kind('You can now export notebooks as PDF.')).toBe('other');
  });

  it('a fix is a fix whatever its object mentions, unless it fixes a vulnerability', () => {
    expect(kind('Fixed an issue where deprecated images were listed.')).toBe('fix');
    expect(kind('Fixed a bug that renamed image tags.')).toBe('fix');
    expect(kind('Fixed CVE-2025-1234 in the kernel.')).toBe('security-update');
    expect(kind('Fixed KCTF-6bb73db in the Linux kernel.')).toBe('security-update');
  });

  it('says when nothing changed, and when nothing was understood', () => {
    expect(kind('There are no changes to Secure Boot or GPG signing keys.')).toBeNull();
    expect(kind('The scheduler runs at dawn.')).toBeNull();
  });

  it('takes the kind from the lead-in when the item says none, and from a label lead-in first', () => {
    expect(kind('Base versions with CUDA 12.4 and earlier', 'breaking', 'The following framework versions have reached their end of patch and support dates:')).toBe('end-of-support-reached');
    expect(kind('Added support for checking etag in spec.', 'feature', 'Bug Fixes:')).toBe('fix');
    expect(kind('Fixed CVE-2025-9999 in runc.', 'feature', 'Bug Fixes:')).toBe('security-update');
  });

  it('known issues are read when said, or when the note is an Issue note', () => {
    expect(kind('This DLC does not run on the P2 instance family.')).toBe('known-issue');
    expect(kind('Jobs fail when the bucket is missing.', 'issue')).toBe('known-issue');
    expect(kind('Integrates fix for speed regression in linear models.', 'fixed')).toBe('fix');
  });
});
