// The kinds of language issue #12 lists, in sentences of our own (not fixtures): what a Deep
// Learning Containers note, or the next DLVM note, may say. Each is read through the whole note
// reader (statement → mentions → predicate → events).
import { describe, expect, it } from 'vitest';
import { extractEntry } from '../../src/ingest/extract.js';

const read = (html: string, title = 'December 01, 2026'): string[] =>
  extractEntry({ id: 'tag:x#d', title, publishedAt: '2026-12-01T08:00:00.000Z', url: null, html }, { source: 't' })
    .flatMap((n) => n.events)
    .map((e) => [e.kind, e.framework ?? '-', e.version ?? '-', e.scope === 'and-earlier' ? 'and-earlier' : null, e.release].filter(Boolean).join(' '));

const feature = (p: string, label = ''): string => `<h3>Feature</h3>${label ? `<p><strong>${label}</strong></p>` : ''}<p>${p}</p>`;

describe('reading release-note language', () => {
  it.each([
    // A qualifier between a framework and its version.
    ['PyTorch Training 2.5 GPU images are now available.', ['new-image pytorch 2.5']],
    ['TensorFlow Serving 2.14 containers are now available.', ['new-image tensorflow 2.14']],
    ['Base CUDA 12.6 container images are now available.', ['new-image base 12.6']],
    ['TensorFlow Enterprise 2.8 images are now available with Python 3.10.', ['new-image tensorflow 2.8']],
    // Deep Learning Containers vocabulary: registry paths, release tags.
    ['The following container is now available: <code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu121.2-2.py310</code>', ['new-image pytorch 2.2']],
    ['New containers: <code>tf-cpu.2-17.py310</code> and <code>tf-gpu.2-17.py310</code>.', ['new-image tensorflow 2.17']],
    // Frameworks and runtimes beyond the DLVM ones.
    ['Hugging Face TGI 2.3 containers are now available.', ['new-image huggingface 2.3']],
    ['Hugging Face PyTorch Inference 2.2 containers are now available.', ['new-image huggingface 2.2']],
    ['vLLM 0.6.3 serving containers are now available.', ['new-image vllm 0.6.3']],
    ['XGBoost 2.0 and scikit-learn 1.5 prediction containers are now available.', ['new-image xgboost 2.0', 'new-image scikit-learn 1.5']],
    ['PySpark 3.5 images are now available.', ['new-image spark 3.5']],
    ['Python 3.8 is no longer available in new images.', ['deprecation python 3.8']],
    // Words of one kind inside a statement of another.
    ['Fixed an issue where deprecated image families were still listed.', ['fix - -']],
    ['Fixed the image tags of TensorFlow 2.15 containers.', ['fix tensorflow 2.15']],
    ['Fixed an issue in which the security scanner reported the wrong image.', ['fix - -']],
    ['Image family names now include the CUDA version, for example <code>pytorch-2-4-cu124-debian-11-py310</code>.', ['rename - -']],
    // A version upgrade inside one line.
    ['Upgraded TensorFlow 2.13 images to TensorFlow 2.13.2.', ['patch-update tensorflow 2.13.2']],
    ['PyTorch 2.9.1 patch release for PyTorch 2.9 images.', ['patch-update pytorch 2.9.1']],
    ['Bumped vLLM to 0.7.1 in the vLLM serving containers.', ['patch-update vllm 0.7.1']],
    // A deprecation stated as consequence.
    ['The TensorFlow 2.12 image is deprecated. There will be no further updates to this image.', ['deprecation tensorflow 2.12']],
    ['PyTorch 1.13 containers will no longer be published.', ['deprecation pytorch 1.13']],
    ['TensorFlow 2.11 has reached end of life.', ['deprecation tensorflow 2.11']],
    // End of support, with "and earlier".
    ['PyTorch versions 2.3 and earlier have reached the end of patch and support.', ['end-of-support-reached pytorch 2.3 and-earlier']],
    // A framework version first, then where it came from.
    ['SGLang 0.6.2: a minor version bump from 0.6.1.', ['patch-update sglang 0.6.2']],
    // A runtime becoming available is a new image line; Python's is ours.
    ['Support for the Go 1.25 runtime is in Preview.', ['new-image - -']],
    ['The Python 3.14 runtime is now generally available.', ['new-image python 3.14']],
    // A feature taken away, and negated upkeep ("is not maintained for … and above").
    ['The legacy job scheduler has been replaced with reservation-based scheduling.', ['deprecation - -']],
    ['The Horovod package is not maintained for PyTorch 2.7 containers and later.', ['deprecation pytorch 2.7']],
    // A compatibility limit said outright is a known issue; "no known issues" says nothing changed.
    ['SGLang 0.7 containers are only compatible with NVIDIA driver 550 and above.', ['known-issue sglang 0.7']],
    ['No known issues so far.', []],
    // "Base Containers", capitalised as product names are.
    ['Deep Learning Base Containers for CUDA 13.1 are now available.', ['new-image base 13.1']],
    // An API of the language is a feature of the framework, not a new language version.
    ['PyTorch 2.8 offers support for python custom operator API in torch.compile.', ['other pytorch 2.8']],
    // Security updates alone are not also dependency updates.
    ['Security updates for the serving containers: see the bulletin.', ['security-update - -']],
  ] as const)('%s', (sentence, expected) => {
    expect(read(feature(sentence)).sort()).toEqual([...expected].sort());
  });

  it('what an image is, listed under a heading of its own, is not a change: bare components and present-state support', () => {
    const html = '<h3>Feature</h3><p>PyTorch 2.8 containers are now available.</p><h4>Components</h4><ul><li>CUDA 12.9.1</li><li>cuDNN 9.10.2.21+cuda12.9</li><li>NCCL 2.27.3-1</li><li>CUDA 12.9.1 with Python 3.12.4 (built from source)</li><li>Triton Server version: 2.51.0</li><li>Python 3.12 is supported in the containers.</li><li>Tested on: a3-highgpu-8g, g2-standard-8</li><li>The containers support ARM64 instance types.</li><li>These containers continue to use the same entrypoint.</li></ul><table><tr><th>Region</th><th>Code</th></tr><tr><td>Europe (Frankfurt)</td><td>europe-west3</td></tr></table>';
    expect(read(html)).toEqual(['new-image pytorch 2.8']);
  });

  it('a pointer that leads with its purpose says nothing about the change', () => {
    expect(read(feature('To find which vulnerabilities each updated image resolves, see the image\'s security notes.'))).toEqual([]);
  });

  it('in an Issue note, the problem said first decides, whatever the quoted warning says', () => {
    expect(read('<h3>Issue</h3><p>Jobs using the profiler may run into a warning that "the legacy tracer is no longer supported" on PyTorch 2.7 containers.</p>')).toEqual(['known-issue pytorch 2.7']);
  });

  it('a version after "since" says when something began, not which line the statement is about', () => {
    expect(read('<h3>Issue</h3><p>Training jobs may run into a warning about the tracer, deprecated since PyTorch 2.2.</p>', 'PyTorch 2.6 Training')).toEqual(['known-issue pytorch 2.6']);
  });

  it('a release label on a container note is the events\' release', () => {
    expect(read(feature('PyTorch 2.4 containers are now available.', 'M125 release'))).toEqual(['new-image pytorch 2.4 M125']);
  });

  it('a statement that names a framework but says nothing understood still reaches its subscribers, as other', () => {
    expect(read(feature('PyTorch 2.4 containers: a note about their layout on disk.'))).toEqual(['other pytorch 2.4']);
  });
});
