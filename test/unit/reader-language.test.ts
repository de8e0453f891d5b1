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

  // Two more sets of sentences of our own, in the wording of container and VM notes, each with its
  // note's type. The first was written to find gaps and the rules were fixed on it. The second was
  // written and labelled before it was run, to see how the reader does on wording it has not met:
  // 32 of 35 right at first (2026-12-02), then fixed where it was wrong.
  // A note of that type: the statement as a paragraph, or the note's own markup (lead-ins and lists).
  const section = (type: string, p: string): string => `<h3>${type}</h3>${p.startsWith('<') ? p : `<p>${p}</p>`}`;
  /** The events read from `html`, in any order. */
  const readsAs = (html: string, expected: readonly string[]): void => expect(read(html).sort()).toEqual([...expected].sort());
  it.each([
    ['Feature', 'PyTorch 2.4 container images with CUDA 12.4 are now available in Artifact Registry.', ['new-image pytorch 2.4']],
    ['Feature', 'Deep Learning Containers now provide TensorFlow 2.17 images for CPU and GPU.', ['new-image tensorflow 2.17']],
    ['Feature', 'Released new PyTorch 2.5 containers: <code>pytorch-cu124.2-5.py310</code>, <code>pytorch-cpu.2-5.py310</code>.', ['new-image pytorch 2.5']],
    ['Feature', 'You can now use TensorFlow 2.16 with Deep Learning Containers.', ['new-image tensorflow 2.16']],
    ['Changed', 'Updated the PyTorch 2.3 containers to PyTorch 2.3.1.', ['patch-update pytorch 2.3.1']],
    ['Changed', 'The TensorFlow 2.15 containers now use TensorFlow 2.15.1.', ['patch-update tensorflow 2.15.1']],
    ['Changed', 'Upgraded CUDA from 12.1 to 12.4 in PyTorch 2.4 GPU containers.', ['dependency-update pytorch 2.4']],
    ['Changed', 'Upgraded JupyterLab to 4.2.5 in all containers.', ['dependency-update - -']],
    ['Changed', 'Regular package refreshment and bug fixes for all containers.', ['dependency-update - -', 'fix - -']],
    ['Changed', 'The default Python version in new containers is now Python 3.11.', ['dependency-update - -']],
    ['Security', 'Patched CVE-2024-3094 in the Base containers.', ['security-update base -']],
    ['Security', 'Container images were rebuilt to address vulnerabilities in OpenSSL.', ['security-update - -']],
    ['Feature', 'Security updates for all PyTorch and TensorFlow containers.', ['security-update pytorch -', 'security-update tensorflow -']],
    ['Deprecated', 'TensorFlow 2.13 containers are deprecated and will be removed on March 1, 2027.', ['deprecation tensorflow 2.13']],
    ['Deprecated', 'Support for Python 3.9 containers is ending. New containers will use Python 3.10 or later.', ['deprecation python 3.9']],
    ['Breaking', 'PyTorch 1.13 and TensorFlow 2.11 containers have reached their end of support date.', ['end-of-support-reached pytorch 1.13', 'end-of-support-reached tensorflow 2.11']],
    ['Fixed', 'Fixed an issue that prevented the TensorFlow 2.14 GPU container from detecting GPUs.', ['fix tensorflow 2.14']],
    ['Fixed', 'Resolved a crash when importing torchvision in PyTorch 2.2 containers.', ['fix pytorch 2.2']],
    ['Issue', 'PyTorch 2.5 containers might fail to start on A3 machines with driver 535.', ['known-issue pytorch 2.5']],
    ['Changed', 'Container names changed from <code>tf2-gpu.2-15</code> to <code>tf-gpu.2-15</code>.', ['rename tensorflow 2.15']],
    ['Feature', 'Added vLLM 0.6.4 serving container for Vertex AI.', ['new-image vllm 0.6.4']],
    ['Feature', 'Hugging Face Text Generation Inference 2.4.0 containers are now available on Vertex AI.', ['new-image huggingface 2.4.0']],
    ['Changed', 'The Hugging Face TGI containers were updated to TGI 2.4.1.', ['patch-update huggingface 2.4.1']],
    ['Feature', 'Base CUDA 12.8 containers are available.', ['new-image base 12.8']],
    ['Changed', 'Upgraded NCCL to 2.21.5 in all GPU containers.', ['dependency-update - -']],
    ['Feature', 'The M127 release of Deep Learning Containers includes PyTorch 2.5 and TensorFlow 2.18 containers.', ['new-image pytorch 2.5', 'new-image tensorflow 2.18']],
    ['Deprecated', 'The Chainer containers are no longer supported.', ['end-of-support-reached other -']],
    ['Changed', 'Removed TensorBoard from the PyTorch containers.', ['dependency-update pytorch -']],
    ['Feature', 'Experimental JAX 0.4.30 containers are now available.', ['new-image jax 0.4.30']],
    ['Changed', 'Minor version upgrade of XGBoost to 2.1.1 in XGBoost containers.', ['patch-update xgboost 2.1.1']],
    ['Deprecated', 'We will stop publishing new versions of the R containers after June 2027.', ['deprecation r -']],
    ['Feature', 'TensorFlow 2.18 is now supported in Deep Learning Containers.', ['new-image tensorflow 2.18']],
    ['Changed', 'Rebuilt all containers on Ubuntu 22.04.', ['dependency-update - -']],
    ['Fixed', 'The PyTorch 2.4 container no longer fails when <code>torch.compile</code> is called.', ['fix pytorch 2.4']],
  ] as const)('found gaps: [%s] %s', (type, sentence, expected) => {
    readsAs(section(type, sentence), expected);
  });

  it.each([
    ['Feature', 'New PyTorch 2.6 images are available for A3 Mega machine types.', ['new-image pytorch 2.6']],
    ['Feature', 'Introduced TensorFlow 2.19 images with CUDA 12.5.', ['new-image tensorflow 2.19']],
    ['Feature', 'JAX 0.5 images are now available in Preview.', ['new-image jax 0.5']],
    ['Feature', 'A new Base image with CUDA 12.9 is available.', ['new-image base 12.9']],
    ['Changed', 'PyTorch 2.5 images were upgraded to PyTorch 2.5.1.', ['patch-update pytorch 2.5.1']],
    ['Changed', 'Updated TensorFlow from 2.16.1 to 2.16.2.', ['patch-update tensorflow 2.16.2']],
    ['Changed', 'Pinned the NVIDIA driver to version 550.90.07 on all GPU images.', ['dependency-update - -']],
    ['Changed', 'Updated conda to 24.7.1 and pip to 24.2.', ['dependency-update - -']],
    ['Changed', 'The PyTorch 2.4 images now ship with torchvision 0.19.1.', ['dependency-update pytorch 2.4']],
    ['Changed', 'Miscellaneous package updates.', ['dependency-update - -']],
    ['Security', 'This release addresses CVE-2025-1111 and CVE-2025-2222.', ['security-update - -']],
    ['Security', 'Updated the Linux kernel to fix a privilege escalation vulnerability.', ['security-update - -']],
    ['Feature', 'All images were patched against the regreSSHion OpenSSH vulnerability (CVE-2024-6387).', ['security-update - -']],
    ['Deprecated', 'PyTorch 1.12 images are deprecated.', ['deprecation pytorch 1.12']],
    ['Deprecated', 'TensorFlow Enterprise 2.3 images are no longer updated.', ['deprecation tensorflow 2.3']],
    ['Deprecated', 'The JAX 0.4 image line will be retired in January 2027.', ['deprecation jax 0.4']],
    ['Breaking', 'TensorFlow 2.12 and earlier images have reached end of support.', ['end-of-support-reached tensorflow 2.12 and-earlier']],
    ['Breaking', 'Python 3.9 has reached the end of its support period and is removed from all images.', ['end-of-support-reached python 3.9']],
    ['Fixed', 'Fixed a JupyterLab extension error that appeared at start-up in R images.', ['fix r -']],
    ['Fixed', 'Corrected the CUDA path in the Base CUDA 12.4 image.', ['fix base 12.4']],
    ['Fixed', 'An issue where GPU metrics were not reported has been fixed.', ['fix - -']],
    ['Issue', 'TensorFlow 2.17 GPU images fail to load cuDNN on L4 GPUs. As a workaround, use the TensorFlow 2.16 images.', ['known-issue tensorflow 2.17']],
    ['Issue', 'Users might see a warning about an outdated pip version; the warning can be ignored.', ['known-issue - -']],
    ['Changed', 'Image families that end with <code>-debian-10</code> are renamed to end with <code>-debian-11</code>.', ['rename - -']],
    ['Changed', 'The <code>pytorch-latest-gpu</code> family now points to PyTorch 2.6 images.', ['other pytorch 2.6']],
    ['Feature', 'Added Ray 2.40 images.', ['new-image ray 2.40']],
    ['Changed', 'Upgraded Ray to 2.41.0 in Ray images.', ['patch-update ray 2.41.0']],
    ['Feature', 'scikit-learn 1.6 CPU containers are now generally available.', ['new-image scikit-learn 1.6']],
    ['Deprecated', 'XGBoost 1.7 containers will no longer receive updates.', ['deprecation xgboost 1.7']],
    ['Announcement', 'Deep Learning VM images based on Debian 10 will reach end of availability on July 1, 2026.', ['deprecation - -']],
    ['Changed', 'Moved the default Jupyter kernel to Python 3.12.', ['dependency-update - -']],
    ['Feature', 'vLLM 0.8.0 images for TPU are now available.', ['new-image vllm 0.8.0']],
    ['Changed', 'vLLM images updated from 0.8.0 to 0.8.1.', ['patch-update vllm 0.8.1']],
    ['Feature', 'SGLang 0.4.3 serving images are now offered.', ['new-image sglang 0.4.3']],
    ['Fixed', 'Fixed security scanner false positives in the TensorFlow images.', ['fix tensorflow -']],
  ] as const)('written before it was run: [%s] %s', (type, sentence, expected) => {
    readsAs(section(type, sentence), expected);
  });

  // A fourth set in VM-note wording (state verbs, "no longer being built", "out of support",
  // defaults), written and labelled before it was run: 21 of 30 right at first (2026-12-02).
  it.each([
    ['Feature', 'PyTorch 2.7 is now available on Deep Learning VM.', ['new-image pytorch 2.7']],
    ['Feature', 'Deep Learning VM now supports TensorFlow 2.20.', ['new-image tensorflow 2.20']],
    ['Feature', 'Images for PyTorch 2.8 with CUDA 12.8 and Python 3.12 have been released.', ['new-image pytorch 2.8']],
    ['Feature', 'The first PyTorch 2.9 images are available in the <code>pytorch-2-9-cu128-ubuntu-2204-py312</code> family.', ['new-image pytorch 2.9']],
    ['Changed', 'TensorFlow was upgraded to 2.17.1 in TensorFlow 2.17 images.', ['patch-update tensorflow 2.17.1']],
    ['Changed', 'PyTorch has been updated to version 2.6.0 in all PyTorch 2.6 images.', ['patch-update pytorch 2.6.0']],
    ['Changed', 'All images now use the 6.1 Linux kernel.', ['dependency-update - -']],
    ['Changed', 'Replaced Miniconda with Miniforge in all images.', ['dependency-update - -']],
    ['Changed', 'The NVIDIA driver in Base images is now 570.86.15.', ['dependency-update base -']],
    ['Changed', 'Jupyter notebooks now start with the Python 3.11 kernel by default.', ['dependency-update - -']],
    ['Security', 'Updated OpenSSL to 3.0.15 to address CVE-2024-5535.', ['security-update - -']],
    ['Security', 'All images include the latest security patches.', ['security-update - -']],
    ['Deprecated', 'TensorFlow 2.14 images will be deprecated on January 15, 2027.', ['deprecation tensorflow 2.14']],
    ['Deprecated', 'We no longer publish images for PyTorch 1.x.', ['deprecation pytorch 1.x']],
    ['Deprecated', 'CUDA 11.8 images are no longer being built.', ['deprecation base 11.8']],
    ['Breaking', 'Support for TensorFlow 2.13 images ended on November 1, 2026.', ['end-of-support-reached tensorflow 2.13']],
    ['Breaking', 'The R 4.3 image is out of support and will not receive fixes.', ['end-of-support-reached r 4.3']],
    ['Fixed', 'Restored the missing <code>gcsfuse</code> binary in PyTorch images.', ['fix pytorch -']],
    ['Fixed', 'The Jupyter proxy no longer times out on long requests.', ['fix - -']],
    ['Fixed', 'Corrected an error that stopped TensorBoard from loading in TensorFlow 2.16 images.', ['fix tensorflow 2.16']],
    ['Issue', 'PyTorch 2.9 images are not compatible with NVIDIA driver versions earlier than 550.', ['known-issue pytorch 2.9']],
    ['Issue', 'Some users experience slow startup on TensorFlow 2.18 images with T4 GPUs.', ['known-issue tensorflow 2.18']],
    ['Changed', 'TensorFlow image family names changed from <code>tf2-ent-*</code> to <code>tf-*</code>.', ['rename tensorflow -']],
    ['Changed', 'Renamed the <code>common-cu121</code> family to <code>common-cu121-debian-11</code>.', ['rename base 12.1']],
    ['Feature', 'Deep Learning VM images now ship with JupyterLab 4.', ['dependency-update - -']],
    ['Changed', 'There are no changes to the TensorFlow images in this release.', []],
    ['Feature', 'PyTorch 2.4 is not yet available for TPU VMs.', ['known-issue pytorch 2.4']],
    ['Changed', 'JAX was bumped from 0.4.35 to 0.4.38.', ['patch-update jax 0.4.38']],
    ['Feature', 'Launched Hugging Face PyTorch Training 4.46 containers.', ['new-image huggingface 4.46']],
    ['Changed', 'The Spark 3.5 images now include Delta Lake 3.2.', ['dependency-update spark 3.5']],
  ] as const)('written before it was run (4th set): [%s] %s', (type, sentence, expected) => {
    readsAs(section(type, sentence), expected);
  });

  // The rules added for the reviewer's misses (review-sentences.txt), held to other wording than
  // theirs: a clause that says something carries on, a problem still there, a workaround no longer
  // needed, "the new … images", a versioned thing now unsupported, and ", use …" as the alternative.
  it.each([
    ['Deprecated', 'TensorFlow 2.16 containers remain available, while TensorFlow 2.12 containers can no longer be pulled.', ['deprecation tensorflow 2.12']],
    ['Deprecated', 'JAX 0.4.30 images will still be published, but JAX 0.4.20 images are deprecated.', ['deprecation jax 0.4.20']],
    ['Fixed', 'Fixed slow startup of TensorFlow 2.19 images; TensorFlow 2.18 images still show the problem.', ['fix tensorflow 2.19', 'known-issue tensorflow 2.18']],
    ['Issue', 'Instances built from PyTorch 2.7 images are still affected by the NCCL timeout.', ['known-issue pytorch 2.7']],
    ['Fixed', 'PyTorch 2.8 images no longer need the workaround for the CUDA graph crash.', ['fix pytorch 2.8']],
    ['Fixed', 'The documented workaround for TensorBoard in TensorFlow 2.17 images is no longer necessary.', ['fix tensorflow 2.17']],
    ['Feature', 'Try the new TensorFlow 2.20 GPU images in any region.', ['new-image tensorflow 2.20']],
    ['Breaking', 'R 4.2 is now unsupported in Deep Learning VM images.', ['end-of-support-reached r 4.2']],
    ['Breaking', 'Legacy Jupyter extensions are now unsupported in all images.', ['deprecation - -']],
    ['Deprecated', 'Rather than the PyTorch 2.2 images, which are deprecated, use PyTorch 2.6 images.', ['deprecation pytorch 2.2']],
    // A clause that names only a version of images: the line of the framework named before it.
    ['Changed', 'PyTorch 2.9 containers are now available, and 2.5 containers are deprecated.', ['new-image pytorch 2.9', 'deprecation pytorch 2.5']],
    ['Breaking', 'JAX 0.6 images are now available; 0.4 images have reached end of support.', ['new-image jax 0.6', 'end-of-support-reached jax 0.4']],
    ['Feature', 'PyTorch 2.8 images are now available, built on Ubuntu 22.04 images.', ['new-image pytorch 2.8']],
    // A condition of availability, a recommendation, an end that "will have" come, "not …, but … are".
    ['Announcement', 'Once JAX 0.7 images are released, JAX 0.4 images will be deprecated.', ['deprecation jax 0.4']],
    ['Issue', 'When using TensorFlow 2.16 images with T4 GPUs, training may fail.', ['known-issue tensorflow 2.16']],
    ['Changed', 'JAX 0.5 images are now available, and JAX 0.6 images are now the preferred images.', ['new-image jax 0.5']],
    ['Announcement', 'The end of support for TensorFlow 2.17 images will have passed by March 2027.', ['deprecation tensorflow 2.17']],
    ['Issue', 'PyTorch 2.6 images are not affected, but PyTorch 2.5 images are.', ['known-issue pytorch 2.5']],
    // The version a line is at now, said with "is now", and a Base line's CUDA patch release.
    ['Changed', 'JAX is now 0.4.38 in the JAX 0.4 containers.', ['patch-update jax 0.4.38']],
    ['Changed', 'The TensorFlow version in TensorFlow 2.18 images is now 2.18.1.', ['patch-update tensorflow 2.18.1']],
    ['Changed', 'Python is now 3.12 in all images.', ['dependency-update - -']],
    ['Changed', 'Updated the Base CUDA 12.8 images to CUDA 12.8.1.', ['patch-update base 12.8.1']],
    ['Changed', 'Bumped Transformers to 4.48.0 in the Hugging Face TGI containers.', ['patch-update huggingface 4.48.0']],
    // Rules from the second labeller's misses (fresh-sentences.txt), in other words.
    ['Changed', '<h3>TensorFlow 2.19 — 2026-09-02</h3><ul><li>Bumped torch to 2.8.1 in the companion image</li><li>Upgraded NCCL to 2.28.3</li></ul>', ['patch-update pytorch 2.8.1', 'dependency-update tensorflow 2.19']],
    ['Changed', 'Upgraded torch from 2.6.0 to 2.6.1 in the PyTorch 2.6 containers.', ['patch-update pytorch 2.6.1']],
    ['Breaking', 'JAX 0.4 images have passed their end-of-patch date.', ['end-of-support-reached jax 0.4']],
    ['Breaking', 'R 4.3 images are now outside their support window.', ['end-of-support-reached r 4.3']],
    ['Deprecated', 'TensorFlow 2.16 containers will stop receiving security patches on May 1, 2027.', ['deprecation tensorflow 2.16']],
    ['Announcement', 'Updates for PyTorch 2.5 images will end on June 30, 2027.', ['deprecation pytorch 2.5']],
    ['Deprecated', 'The shutdown of user-managed notebooks is now complete.', ['deprecation - -']],
    ['Changed', 'JAX 0.6 images are now tagged as <code>jax-tpu.0-6</code> instead of <code>jax.0-6</code>.', ['rename jax 0.6']],
    ['Fixed', 'The memory regression in PyTorch 2.7 images was reverted.', ['fix pytorch 2.7']],
    ['Changed', 'Added release 2.51.0 of the <code>google-cloud-storage</code> library to the JAX 0.5 images.', ['dependency-update jax 0.5']],
    ['Announcement', 'PyTorch 2.6 images will not be deprecated as planned.', ['other pytorch 2.6']],
    ['Fixed', 'Fixed a scanner rule that incorrectly reported R 4.4 images as vulnerable to CVE-2025-1234.', ['fix r 4.4']],
    ['Changed', 'Available image tags: <code>2.9.0-gpu-py312</code>, <code>2.9.0-cpu-py312</code>.', []],
    // A release the statement names, or its list's lead-in names (not when something begins).
    ['Changed', 'The M132 release contains updated cuDNN 9.3 libraries in the TensorFlow 2.19 images.', ['dependency-update tensorflow 2.19 M132']],
    ['Feature', 'The M133 release brings the new PyTorch 2.9 GPU containers.', ['new-image pytorch 2.9 M133']],
    ['Changed', 'The M133 release includes JAX 0.5.2 in the JAX 0.5 images.', ['patch-update jax 0.5.2 M133']],
    ['Fixed', '<p>The following fixes are in the M133 release:</p><ul><li>Fixed a hang in JAX 0.5 images on TPU v5e.</li></ul>', ['fix jax 0.5 M133']],
    ['Breaking', 'Starting with the M140 release, all images will include JupyterLab 5.', ['dependency-update - -']],
  ] as const)("rules for the reviewer's misses, in other words: [%s] %s", (type, sentence, expected) => {
    readsAs(section(type, sentence), expected);
  });

  // A second review's counter-examples to this round's rules: each reads as it should.
  it.each([
    ['Changed', 'TensorFlow 2.15 images are now built on Ubuntu 22.04, and 20.04 images are no longer updated.', ['deprecation tensorflow 2.15']],
    ['Deprecated', 'PyTorch 2.4 images now use Ubuntu 22.04; the 20.04 images are deprecated.', ['deprecation pytorch 2.4']],
    ['Changed', 'PyTorch 2.4 images with CUDA 12.1 are deprecated, and 12.4 images are available.', ['deprecation pytorch 2.4']],
    ['Deprecated', 'TensorFlow 2.15 images (2.15.1 images are recommended) are deprecated.', ['deprecation tensorflow 2.15']],
    ['Deprecated', 'PyTorch 2.4 images are no longer updated, but 2.5 images are.', ['deprecation pytorch 2.4']],
    ['Changed', 'vLLM is now 1.8 times faster on H100 GPUs.', ['other vllm -']],
    ['Changed', 'JAX for TPU is now 0.4.30 compatible.', ['other jax -']],
    ['Changed', 'The minimum NVIDIA driver version for JAX is now 535.104.', ['dependency-update jax -']],
    ['Security', 'Fixed CVE-2024-3094, which was incorrectly reported as fixed in the previous release.', ['security-update - -']],
    ['Deprecated', 'TensorFlow 2.12 images that were not deprecated in M120 will be removed on June 1, 2027.', ['deprecation tensorflow 2.12']],
    ['Deprecated', 'PyTorch 2.1 images are deprecated; PyTorch 2.2 images are not deprecated.', ['deprecation pytorch 2.1']],
    ['Changed', 'Applying system updates will stop the running notebook instance.', ['other - -']],
    ['Announcement', 'Updates to TensorFlow 2.15 images will end on April 30.', ['deprecation tensorflow 2.15']],
    ['Deprecated', 'In Vertex AI Workbench, use of TensorFlow 2.15 images is deprecated.', ['deprecation tensorflow 2.15']],
    ['Issue', 'Installing the NVIDIA driver manually is no longer required, but PyTorch 2.4 images do not start on A2 machines.', ['known-issue pytorch 2.4']],
    ['Fixed', 'The regression introduced in PyTorch 2.4 images was rolled back.', ['fix pytorch 2.4']],
    ['Changed', 'The Base CUDA 12.4 images were upgraded from CUDA 12.4.0 to CUDA 12.4.1.', ['patch-update base 12.4.1']],
    ['Changed', '<h3>Migrating from PyTorch 1.13 to PyTorch 2.0</h3><p>Review the upgrade guide before you start.</p>', ['other - -']],
    ['Feature', 'When PyTorch 2.6 images are released, they include CUDA 12.4.', ['new-image pytorch 2.6']],
    ['Security', 'Images outside their support window are not scanned for vulnerabilities.', ['security-update - -']],
    ['Changed', 'The sglang containers pin torch to 2.5.1 instead of 2.6.0.', ['other sglang -']],
    ['Feature', 'PyTorch 2.9 images are not yet available, but PyTorch 2.8 images are.', ['new-image pytorch 2.8']],
    ['Fixed', '<p><strong>M130 release</strong></p><p>Fixed a crash in PyTorch 2.4 images.</p><p>The M127 release includes fixes for PyTorch 2.4 images.</p>', ['fix pytorch 2.4 M130', 'fix pytorch 2.4 M127']],
  ] as const)("a second review's counter-examples: [%s] %s", (type, text, expected) => {
    readsAs(section(type, text), expected);
  });

  // A sixth set: another vendor's verbs ("Bumped", "Introduced containers for"), lists under
  // lead-ins, two clauses in one sentence, "unchanged". Written before it was run: 17 of 20 at
  // first (2026-12-02).
  it.each([
    ['Feature', 'Introduced containers for PyTorch 2.7 training on GPU.', ['new-image pytorch 2.7']],
    ['Changed', 'Bumped TensorFlow to 2.19.1 in the TensorFlow 2.19 containers.', ['patch-update tensorflow 2.19.1']],
    ['Changed', 'CUDA upgraded to 12.8 in all GPU images.', ['dependency-update - -']],
    ['Changed', 'Python bumped from 3.11 to 3.12 in PyTorch 2.7 images.', ['dependency-update pytorch 2.7']],
    ['Feature', 'Added images for JAX 0.6 with TPU support.', ['new-image jax 0.6']],
    ['Feature', 'PyTorch 2.10 and PyTorch 2.11 images are now available.', ['new-image pytorch 2.10', 'new-image pytorch 2.11']],
    ['Feature', 'TensorFlow 2.20 GPU and CPU images are now available, and TensorFlow 2.14 images are deprecated.', ['new-image tensorflow 2.20', 'deprecation tensorflow 2.14']],
    ['Changed', 'Updated the following frameworks:<ul><li>PyTorch 2.6.0 to 2.6.1</li><li>TensorFlow 2.18.0 to 2.18.1</li></ul>', ['patch-update pytorch 2.6.1', 'patch-update tensorflow 2.18.1']],
    ['Deprecated', 'The following images are deprecated:<ul><li>PyTorch 2.0</li><li>TensorFlow 2.12</li></ul>', ['deprecation pytorch 2.0', 'deprecation tensorflow 2.12']],
    ['Feature', 'The following new images are available:<ul><li>PyTorch 2.9 (CUDA 12.8)</li><li>Base CUDA 12.9</li></ul>', ['new-image pytorch 2.9', 'new-image base 12.9']],
    ['Security', 'Fixed CVE-2025-9999 in the Ray 2.44 images.', ['security-update ray 2.44']],
    ['Fixed', 'PyTorch 2.8 images no longer crash when loading models larger than 2 GB.', ['fix pytorch 2.8']],
    ['Fixed', 'The TensorFlow 2.17 image is fixed to include the correct cuDNN version.', ['fix tensorflow 2.17']],
    ['Issue', 'The vLLM 0.9 images do not work with L4 GPUs.', ['known-issue vllm 0.9']],
    ['Changed', 'No changes to PyTorch images in this release.', []],
    ['Changed', 'PyTorch images are unchanged.', []],
    ['Deprecated', 'PyTorch 2.2 images are deprecated and will be deleted after 2027-03-01.', ['deprecation pytorch 2.2']],
    ['Feature', 'DLVM images with NVIDIA driver 575 are available for PyTorch 2.8.', ['new-image pytorch 2.8']],
    ['Changed', 'PyTorch 2.8 images now come with CUDA 12.9 instead of CUDA 12.8.', ['dependency-update pytorch 2.8']],
    ['Breaking', 'Starting March 2027, TensorFlow images will no longer include Keras 2.', ['dependency-update tensorflow -']],
  ] as const)('written before it was run (6th set): [%s] %s', (type, text, expected) => {
    readsAs(section(type, text), expected);
  });

  // A seventh set, container-note wording again (PyTorch/XLA, Hugging Face DLCs, refreshed for
  // CVEs, a moved date, "migrate to … or later"). Written before it was run: 16 of 20 at first.
  it.each([
    ['Feature', 'PyTorch/XLA 2.6 containers for TPU are now available.', ['new-image pytorch 2.6']],
    ['Feature', 'TensorFlow Enterprise 2.15 container images are generally available.', ['new-image tensorflow 2.15']],
    ['Feature', 'Hugging Face DLCs for PyTorch training with Transformers 4.48 are available on Vertex AI.', ['new-image huggingface 4.48']],
    ['Changed', 'The <code>pytorch-cu124.2-4.py310</code> container was updated to PyTorch 2.4.1.', ['patch-update pytorch 2.4.1']],
    ['Changed', 'All TensorFlow containers now use Python 3.11 instead of Python 3.10.', ['dependency-update tensorflow -']],
    ['Changed', 'Updated NVIDIA CUDA Toolkit to 12.6.3 and cuDNN to 9.5 in GPU containers.', ['dependency-update - -']],
    ['Changed', 'Regular package updates and security patches.', ['dependency-update - -', 'security-update - -']],
    ['Security', 'Addressed several high-severity vulnerabilities in system packages.', ['security-update - -']],
    ['Security', 'PyTorch 2.3 containers were refreshed to pick up fixes for CVE-2025-1234.', ['security-update pytorch 2.3']],
    ['Deprecated', 'TensorFlow Enterprise 2.8 images have been removed and can no longer be pulled.', ['deprecation tensorflow 2.8']],
    ['Deprecated', 'PyTorch 1.13 is no longer supported. Migrate to PyTorch 2.1 or later.', ['end-of-support-reached pytorch 1.13']],
    ['Breaking', 'The end of patch and support date for TensorFlow 2.15 was moved to March 31, 2027.', ['other tensorflow 2.15']],
    ['Breaking', 'TensorFlow 2.12 containers reached end of patch on September 1, 2026.', ['end-of-support-reached tensorflow 2.12']],
    ['Fixed', 'Fixed <code>ImportError</code> for <code>torchaudio</code> in PyTorch 2.5 containers.', ['fix pytorch 2.5']],
    ['Fixed', 'Containers no longer fail health checks when started without a GPU.', ['fix - -']],
    ['Fixed', 'Resolved a dependency conflict between protobuf and TensorFlow 2.16.', ['fix tensorflow 2.16']],
    ['Issue', 'Known issue: the Ray 2.42 image cannot connect to GCS buckets with uniform access.', ['known-issue ray 2.42']],
    ['Issue', 'JupyterLab may show a blank page in TensorFlow 2.18 containers; refresh the page to recover.', ['known-issue tensorflow 2.18']],
    ['Changed', 'The <code>base-cu121</code> container is renamed to <code>base-cu121.py310</code>.', ['rename base 12.1']],
    ['Feature', 'vLLM TPU containers with vLLM 0.9.2 are now available.', ['new-image vllm 0.9.2']],
  ] as const)('written before it was run (7th set): [%s] %s', (type, text, expected) => {
    readsAs(section(type, text), expected);
  });

  // An eighth set (Preview launches, "no longer receive security patches", an image family
  // removed, a patch named before its line). Written before it was run: 14 of 20 at first.
  it.each([
    ['Feature', 'Deep Learning VM images for TensorFlow 2.21 are now in Preview.', ['new-image tensorflow 2.21']],
    ['Feature', 'Now available: PyTorch 2.12 images with CUDA 13.0.', ['new-image pytorch 2.12']],
    ['Feature', 'We are releasing SGLang 0.5 containers for H200 GPUs.', ['new-image sglang 0.5']],
    ['Changed', 'PyTorch 2.10 images: updated to PyTorch 2.10.2.', ['patch-update pytorch 2.10.2']],
    ['Changed', 'TensorFlow 2.19.1 is now the version used in TensorFlow 2.19 images.', ['patch-update tensorflow 2.19.1']],
    ['Changed', 'Upgraded Python in Base images from 3.10 to 3.12.', ['dependency-update base -']],
    ['Changed', 'Updated gcloud CLI and Google Cloud SDK components.', ['dependency-update - -']],
    ['Changed', 'Switched the package manager from conda to uv in new images.', ['dependency-update - -']],
    ['Security', 'Images were rebuilt with patched versions of glibc (CVE-2025-4802).', ['security-update - -']],
    ['Security', 'Mitigated a container escape vulnerability in the NVIDIA Container Toolkit.', ['security-update - -']],
    ['Deprecated', 'Images based on Ubuntu 20.04 are deprecated.', ['deprecation - -']],
    ['Deprecated', 'PyTorch 2.1 images will reach end of availability on June 30, 2027.', ['deprecation pytorch 2.1']],
    ['Breaking', 'TensorFlow 2.15 and earlier images no longer receive security patches.', ['end-of-support-reached tensorflow 2.15 and-earlier']],
    ['Breaking', 'The <code>tf-ent-2-8-cpu</code> image family has been removed.', ['deprecation tensorflow 2.8']],
    ['Fixed', 'GPU driver installation on first boot is more reliable.', ['fix - -']],
    ['Fixed', 'The JAX 0.5 image now reports the correct TPU topology.', ['fix jax 0.5']],
    ['Issue', 'Installing custom CUDA versions on Base CUDA 12.8 images is not supported.', ['known-issue base 12.8']],
    ['Issue', 'There is a known issue where the PyTorch 2.11 image fails to mount Cloud Storage buckets.', ['known-issue pytorch 2.11']],
    ['Announcement', 'Beginning with M140, Deep Learning VM images will be published only for Ubuntu.', ['other - -']],
    ['Changed', 'The default CUDA version for PyTorch 2.12 images changed to 13.0.', ['dependency-update pytorch 2.12']],
  ] as const)('written before it was run (8th set): [%s] %s', (type, text, expected) => {
    readsAs(section(type, text), expected);
  });

  // Whole notes as Google writes them (label, lead-in, list), written and labelled before they were
  // run: 8 of 10 right at first (2026-12-02), then fixed where they were wrong.
  it.each([
    ['<h3>Feature</h3><p><strong>M128 release</strong></p><p>The M128 release of Deep Learning Containers includes the following:</p><ul><li>PyTorch 2.6 containers are now available.</li><li>Updated TensorFlow 2.18 containers to TensorFlow 2.18.1.</li><li>Regular package refreshment and bug fixes.</li></ul>', ['new-image pytorch 2.6 M128', 'patch-update tensorflow 2.18.1 M128', 'dependency-update - - M128', 'fix - - M128']],
    ['<h3>Changed</h3><p><strong>M129 release</strong></p><p>Upgraded the following packages in all containers:</p><ul><li>JupyterLab 4.3.0</li><li>NumPy 2.1.3</li></ul>', ['dependency-update - - M129']],
    ['<h3>Security</h3><p>The following vulnerabilities were fixed in the Base containers:</p><ul><li>CVE-2025-0001</li><li>CVE-2025-0002</li></ul>', ['security-update base -']],
    ['<h3>Breaking</h3><p>The following framework versions have reached the end of patch and support date:</p><ul><li>PyTorch 2.1</li><li>TensorFlow 2.14</li></ul>', ['end-of-support-reached pytorch 2.1', 'end-of-support-reached tensorflow 2.14']],
    ['<h3>Deprecated</h3><p>The following containers are deprecated and will no longer receive updates:</p><ul><li><code>tf-gpu.2-13</code></li><li><code>pytorch-gpu.2-0</code></li></ul>', ['deprecation tensorflow 2.13', 'deprecation pytorch 2.0']],
    ['<h3>Fixed</h3><p><strong>M130 release</strong></p><ul><li>Fixed an issue where <code>nvidia-smi</code> was missing from GPU containers.</li><li>Fixed a permission error when installing packages with pip.</li></ul>', ['fix - - M130']],
    ['<h3>Feature</h3><p>TensorFlow 2.19 containers are now available:</p><ul><li><code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/tf2-cpu.2-19.py310</code></li><li><code>us-docker.pkg.dev/deeplearning-platform-release/gcr.io/tf2-gpu.2-19.py310</code></li></ul>', ['new-image tensorflow 2.19']],
    ['<h3>Changed</h3><p>The PyTorch 2.4 containers now include the following updates:</p><ul><li>CUDA 12.4</li><li>cuDNN 9.1</li></ul>', ['dependency-update pytorch 2.4']],
    ['<h3>Announcement</h3><p>Deep Learning Containers are moving from Container Registry to Artifact Registry. Container Registry images will stop being updated after March 18, 2025.</p>', ['deprecation - -']],
    ['<h3>Issue</h3><p>In the PyTorch 2.6 container, <code>torch.compile</code> can fail with an out-of-memory error on small GPUs.</p>', ['known-issue pytorch 2.6']],
  ] as const)('a whole note: %s', (html, expected) => {
    readsAs(html, expected);
  });

  // Workbench and Colab Enterprise notes, written before they were run: 7 of 10 at first; two of
  // the three misses were our labels (a kernel or runtime of a framework version is that
  // framework's news), one a changed default kernel, now read as a dependency update.
  it.each([
    ['<h3>Feature</h3><p><strong>M131 release</strong></p><p>The M131 release of Vertex AI Workbench instances includes the following:</p><ul><li>Upgraded JupyterLab to 4.2.6.</li><li>Added the <code>jupyter-ai</code> extension.</li><li>Miscellaneous software updates.</li></ul>', ['dependency-update - - M131']],
    ['<h3>Fixed</h3><p><strong>M131 release</strong></p><ul><li>Fixed an issue where the kernel picker showed kernels that were removed.</li><li>Fixed a bug that prevented idle shutdown from working.</li></ul>', ['fix - - M131']],
    ['<h3>Changed</h3><p>The default PyTorch kernel in Workbench instances is now PyTorch 2.5.</p>', ['dependency-update pytorch 2.5']],
    ['<h3>Deprecated</h3><p>Vertex AI Workbench user-managed notebooks are deprecated. On April 14, 2025, support for user-managed notebooks will end.</p>', ['deprecation - -']],
    ['<h3>Announcement</h3><p>Managed notebooks reached end of support on April 14, 2025 and can no longer be created.</p>', ['end-of-support-reached - -']],
    ['<h3>Feature</h3><p>You can now create Workbench instances with a TensorFlow 2.17 kernel.</p>', ['new-image tensorflow 2.17']],
    ['<h3>Security</h3><p><strong>M130 release</strong></p><p>This release includes fixes for the following vulnerabilities:</p><ul><li>CVE-2025-3000</li><li>CVE-2025-3001</li></ul>', ['security-update - - M130']],
    ['<h3>Issue</h3><p>Instances created with the M129 image might not start when a custom container is used. To avoid this, use the M130 image.</p>', ['known-issue - -']],
    ['<h3>Changed</h3><p><strong>M132 release</strong></p><p>Python was upgraded from 3.10 to 3.11 in the base environment.</p>', ['dependency-update - - M132']],
    ['<h3>Feature</h3><p>Colab Enterprise runtimes now include PyTorch 2.6 and TensorFlow 2.18.</p>', ['dependency-update pytorch 2.6', 'dependency-update tensorflow 2.18']],
  ] as const)('a Workbench note: %s', (html, expected) => {
    readsAs(html, expected);
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

  it('a later sentence of a paragraph that reports a change of another kind is news too, about the paragraph\'s line', () => {
    expect(read('<h3>Fixed</h3><p>Fixed a bug where jobs failed in the PyTorch 2.8 GPU containers. Upgraded cuDNN to 9.10.2 in the same containers.</p>')).toEqual(['fix pytorch 2.8', 'dependency-update pytorch 2.8']);
    expect(read('<h3>Breaking</h3><p>TensorFlow 2.14 containers have reached end of support. The images will be deleted from Artifact Registry on April 1, 2027.</p>')).toEqual(['end-of-support-reached tensorflow 2.14', 'deprecation tensorflow 2.14']);
    // Sentences that explain, give an example or a workaround add nothing.
    expect(read(feature('TensorFlow Enterprise 2.9 is now available. Note that this TensorFlow Enterprise version does not include Long Term Version Support.'))).toEqual(['new-image tensorflow 2.9']);
    expect(read(feature('TensorFlow 2.18 images are deprecated. For example, both tf-2-18-cpu and tf2-2-18-cpu are available until then.'))).toEqual(['deprecation tensorflow 2.18']);
    expect(read('<h3>Issue</h3><p>PyTorch 2.7 jobs can time out on TPU. There is no workaround available at this time.</p>')).toEqual(['known-issue pytorch 2.7']);
  });

  it('a paragraph whose sentences tell different news is read sentence by sentence', () => {
    // The strongest words are in the second sentence, which names its own line: each sentence alone.
    expect(read(feature('TensorFlow 2.21 containers are now available. JAX images have been upgraded to JAX 0.8.2.'))).toEqual(['new-image tensorflow 2.21', 'patch-update jax 0.8.2']);
    // The second opens with what was done and names no line, nor points back at one: about no framework.
    expect(read('<h3>Changed</h3><p>cuDNN was upgraded to 9.11 in the TensorFlow 2.20 images. Fixed a crash of the Jupyter proxy on some VMs.</p>')).toEqual(['dependency-update tensorflow 2.20', 'fix - -']);
    // A second sentence that follows from the first, or describes what the images hold, does not decide the kind.
    expect(read('<h3>Announcement</h3><p>Support for TensorFlow 2.17 containers will end on March 3, 2027. After that date, the containers stay available but no longer receive security patches.</p>')).toEqual(['deprecation tensorflow 2.17']);
    expect(read(feature('JAX 0.8 images are now available. The images include CUDA 12.9 and NCCL 2.27 preinstalled.'))).toEqual(['new-image jax 0.8']);
    // A line in capitals ends a sentence like any other word.
    expect(read(feature('Images for Ray 2.50 are now available on Vertex AI. You can no longer create clusters that run Ray 2.40.'))).toEqual(['new-image ray 2.50', 'deprecation ray 2.40']);
    // An example that shows the change still belongs to its sentence: the whole paragraph decides.
    expect(read(feature('Added the Python version to the PyTorch 2.10 image family names. For example, pytorch-2-10-cu128 is renamed pytorch-2-10-cu128-py312.'))).toEqual(['rename pytorch 2.10']);
  });

  it('more ways of saying a launch, an upgrade, an end and a rename', () => {
    expect(read(feature("We've released JAX 0.9 containers for TPU."))).toEqual(['new-image jax 0.9']);
    expect(read('<h3>Changed</h3><p>The SGLang serving image rolls forward to SGLang 0.5.3.</p>')).toEqual(['patch-update sglang 0.5.3']);
    expect(read('<h3>Deprecated</h3><p>Support for PyTorch 2.6 images ends on May 1, 2027.</p>')).toEqual(['deprecation pytorch 2.6']);
    expect(read("<h3>Deprecated</h3><p>TensorFlow 2.16 images have moved to maintenance mode and won't receive new patch versions.</p>")).toEqual(['deprecation tensorflow 2.16']);
    expect(read('<h3>Changed</h3><p>Managed notebooks in Workbench are now called Workbench instances.</p>')).toEqual(['rename - -']);
    expect(read(feature('Vertex AI Workbench now offers an image with Python 3.14.'))).toEqual(['new-image python 3.14']);
    // Python said first, the framework only where it ends.
    expect(read('<h3>Breaking</h3><p>Python 3.9 is no longer available in new PyTorch container images.</p>')).toEqual(['deprecation python 3.9']);
    // The ", and" of a list ("PyTorch, JAX, and XGBoost") does not split a sentence in two.
    expect(read(feature('Spark 4.1 ML images are now available with PyTorch, JAX, and XGBoost preinstalled.'))).toEqual(['new-image spark 4.1']);
  });

  it('what the seventh set taught: versions after a comma, ends with a date, kernels, asides of a paragraph, lead-ins of tables', () => {
    expect(read(feature('Added a vLLM serving container, version 0.12.1, for L4 GPUs.'))).toEqual(['new-image vllm 0.12.1']);
    expect(read('<h3>Deprecated</h3><p>The prebuilt training containers for XGBoost 1.7 and earlier will no longer be supported after June 30, 2027.</p>')).toEqual(['deprecation xgboost 1.7 and-earlier']);
    expect(read('<h3>Changed</h3><p>Jupytext is no longer installed in new Workbench images.</p>')).toEqual(['deprecation - -']);
    expect(read('<h3>Changed</h3><p>The <code>jax-tpu</code> image repository was renamed to <code>jax-cloud-tpu</code>. Existing tags stay available under the old name until March 1, 2027.</p>')).toEqual(['rename jax -', 'deprecation jax -']);
    // "until at least" promises a minimum, it announces no end.
    expect(read(feature('Images that include conda will be available until at least June 30, 2027.'))).not.toContain('deprecation - -');
    expect(read(feature('Colab Enterprise runtimes now include an R 4.5 kernel.'))).toEqual(['new-image r 4.5']);
    // A description or an instruction after the news does not make its frameworks news.
    expect(read('<h3>Changed</h3><p>Workbench default images were upgraded to CUDA 12.9. The images also include PyTorch 2.9.1 and JAX 0.7.2.</p>')).toEqual(['dependency-update - -']);
    expect(read('<h3>Deprecated</h3><p>The TensorFlow 2.15 TPU software versions are deprecated. Use the base TPU software version and install TensorFlow 2.19 instead.</p>')).toEqual(['deprecation tensorflow 2.15']);
    // A framework's news, and a change done to a package, in one sentence.
    expect(read('<h3>Changed</h3><p>The R kernel was updated to R 4.5.2, and the <code>jupyterlab</code> package was updated to 4.4.1.</p>')).toEqual(['patch-update r 4.5.2', 'dependency-update - -']);
    // A purpose, then what to do: an instruction.
    expect(read(feature('To pin a TPU software version, pass the <code>--version</code> flag when you create the TPU VM.'))).toEqual([]);
    // A table under a "…:" lead-in is about what the lead-in names.
    expect(read('<h3>Changed</h3><p>The JAX 0.7 containers were rebuilt with these component versions:</p><table><tr><th>Component</th><th>Version</th></tr><tr><td>NCCL</td><td>2.27.7</td></tr></table>')).toEqual(['dependency-update jax 0.7']);
  });

  it('a review of the paragraph rules: news in a later sentence is kept, asides stay asides', () => {
    // "have been …" is news, not what the images contain.
    expect(read('<h3>Changed</h3><p>Updated the TensorFlow 2.14 images. These images have been deprecated.</p>')).toContain('deprecation tensorflow 2.14');
    // An explanation that tells an end of another line, or a CVE fix, is news.
    expect(read(feature('PyTorch 2.9 images are now available. Note that TensorFlow 2.14 images have reached end of support.'))).toEqual(['new-image pytorch 2.9', 'end-of-support-reached tensorflow 2.14']);
    expect(read('<h3>Changed</h3><p>Updated the PyTorch 2.4 images. This update is a fix for CVE-2025-1234.</p>')).toContain('security-update pytorch 2.4');
    // What a description names is neither news nor the paragraph's line.
    expect(read(feature('The new Colab Enterprise runtime is now available. The runtime also includes TensorFlow 2.20.0 and PyTorch 2.9.1.'))).not.toContain('new-image tensorflow 2.20.0');
    // Advice that names what changed is news told as advice, not an instruction.
    expect(read('<h3>Security</h3><p>To mitigate CVE-2025-1234, upgrade to the PyTorch 2.4.1 images, which are now available.</p>')).toContain('security-update pytorch 2.4.1');
    // One framework line, and a clause done to something else.
    expect(read('<h3>Changed</h3><p>PyTorch was upgraded to 2.9.1, and the <code>jupyter-server</code> package was updated to 2.17.0.</p>')).toEqual(['patch-update pytorch 2.9.1', 'dependency-update - -']);
    // "…, as announced, are now available, and …" is two clauses, not a list.
    expect(read(feature('TensorFlow 2.20 images, as announced, are now available, and TensorFlow 2.14 images are deprecated.'))).toEqual(['new-image tensorflow 2.20', 'deprecation tensorflow 2.14']);
    // Availability with an end date is about images; capacity, windows and consoles are not.
    expect(read(feature('TPU capacity is available until 2027 for PyTorch 2.9 images.'))).not.toContain('deprecation pytorch 2.9');
    expect(read(feature('Upgrades are applied during maintenance windows; PyTorch 2.9 images were put into maintenance windows for testing.'))).not.toContain('deprecation pytorch 2.9');
    expect(read(feature('You can no longer select the legacy console for PyTorch 2.9 images.'))).not.toContain('deprecation pytorch 2.9');
    // A runtime's libraries are not a runtime; "known as" a compliment is not a rename.
    expect(read(feature('The images now have TensorFlow 2.20 runtime libraries.'))).not.toContain('new-image tensorflow 2.20');
    expect(read(feature('JAX is now known as the fastest way to train on TPUs.'))).not.toContain('rename jax -');
    // Python's change lands "for" images as well as "in" them.
    expect(read('<h3>Deprecated</h3><p>Python 3.9 will no longer be available for TensorFlow 2.15 images.</p>')).toEqual(['deprecation python 3.9']);
    // ", version N" binds only as an apposition.
    expect(read('<h3>Changed</h3><p>Upgraded the PyTorch container, version 2.9.1 of torchvision is included.</p>')).not.toContain('patch-update pytorch 2.9.1');
  });

  it('what the eighth set taught: recommendations with an object, won\'t, problems that show, regions, registries, colon moves', () => {
    expect(read('<h3>Deprecated</h3><p>JAX 0.5 images will be removed on May 1, 2027. Migrate your jobs to JAX 0.7 images before then.</p>')).toEqual(['deprecation jax 0.5']);
    expect(read("<h3>Deprecated</h3><p>TensorFlow Enterprise images won't be published after the M150 release.</p>")).toEqual(['deprecation tensorflow -']);
    expect(read('<h3>Issue</h3><p>PyTorch 2.9 images might report the wrong GPU count after a live migration. Restarting the VM resolves the issue.</p>')).toEqual(['known-issue pytorch 2.9']);
    expect(read(feature('Deep Learning Containers are now available in the europe-west12 and us-east5 regions.'))).toEqual(['other - -']);
    expect(read('<h3>Breaking</h3><p>TensorFlow containers for Python 3.9 were removed from Artifact Registry.</p>')).toEqual(['deprecation tensorflow -']);
    expect(read('<h3>Changed</h3><p>Framework updates:</p><ul><li>JAX 0.7 images: 0.7.1 to 0.7.2</li></ul>')).toEqual(['patch-update jax 0.7.2']);
    expect(read(feature('You can now use R 4.5 kernels in Colab Enterprise runtimes.'))).toEqual(['new-image r 4.5']);
    // An image named as an example gives the statement no CUDA version (nor a Base line's version).
    expect(read('<h3>Changed</h3><p>Renamed the Base image families. For example, <code>common-cu128-debian-12</code> is now <code>base-cu128-debian-12</code>.</p>')).toEqual(['rename base -']);
  });

  it('what the ninth set taught: a line moved inside its container, names replaced, fixes of regressions, components a line uses, updates that fix', () => {
    expect(read('<h3>Changed</h3><p>Upgraded PyTorch in the PyTorch 2.8 GPU images from 2.8.0 to 2.8.1.</p>')).toEqual(['patch-update pytorch 2.8.1']);
    expect(read('<h3>Breaking</h3><p>The <code>tf-gpu</code> image names are replaced by CUDA-specific names such as <code>tf-cu128</code>.</p>')).toEqual(['rename tensorflow -']);
    expect(read('<h3>Fixed</h3><p>Pinned <code>accelerate</code> to 1.9.0 in the Hugging Face training containers to fix a regression in mixed precision.</p>')).not.toContain('known-issue huggingface -');
    expect(read('<h3>Changed</h3><p>The SGLang serving container now uses CUDA 12.9 and PyTorch 2.9.</p>')).toEqual(['dependency-update sglang -']);
    expect(read('<h3>Fixed</h3><p>The vLLM serving container was updated to vLLM 0.11.3, which fixes a hang when streaming long outputs.</p>')).toEqual(['patch-update vllm 0.11.3', 'fix vllm 0.11.3']);
  });

  it('an image named in an example, even by a registry path full of dots, is not the statement\'s subject', () => {
    expect(read(feature('You can pull any container by its full path, for example <code>docker pull us-docker.pkg.dev/deeplearning-platform-release/gcr.io/pytorch-cu124.2-6.py310</code>.'))).not.toContain('other pytorch 2.6');
  });

  it('images added, offered or no longer supported are read as such', () => {
    expect(read(feature('Added PyTorch 2.9 images with CUDA 12.8 in the <code>pytorch-2-9-cu128-ubuntu-2204-py312</code> image family.'))).toEqual(['new-image pytorch 2.9']);
    expect(read(feature('Added JRE to R images.'))).toEqual(['dependency-update r -']);
    expect(read(feature('Vertex AI now provides prebuilt prediction containers for TensorFlow 2.19 and scikit-learn 1.6.'))).toEqual(['new-image tensorflow 2.19', 'new-image scikit-learn 1.6']);
    expect(read('<h3>Breaking</h3><p>Python 3.9 is no longer supported on Deep Learning VM Images.</p>')).toEqual(['end-of-support-reached python 3.9']);
    expect(read('<h3>Breaking</h3><p>PyTorch 2.4 is no longer supported on A100 GPUs.</p>')).not.toContain('end-of-support-reached pytorch 2.4');
  });

  it('a statement that names a framework but says nothing understood still reaches its subscribers, as other', () => {
    expect(read(feature('PyTorch 2.4 containers: a note about their layout on disk.'))).toEqual(['other pytorch 2.4']);
  });
});
