// The words of release notes about machine images, in one place: which names mean which framework,
// the qualifiers that may stand between a framework and its version ("PyTorch Training 2.5 GPU",
// "TensorFlow Serving 2.14", "Base CUDA 12.6 container"), library names that contain a framework's
// name but are not it ("TensorFlow Probability"), and the nouns that name an image line.
// Pure data; the patterns built here are used with matchAll/replace only (no shared lastIndex).
import type { Framework } from '../../domain/events.js';

export interface FrameworkName {
  framework: Framework;
  /** Regex source matching the name, without surrounding boundaries. */
  pattern: string;
  /** Case-sensitive names ("R", "Ray", "TF") would otherwise match ordinary words. */
  caseSensitive?: boolean;
  /** Words (or word prefixes) the name starts with: the pattern only runs on statements that have one. */
  hints: string[];
}

export const FRAMEWORK_NAMES: FrameworkName[] = [
  { framework: 'tensorflow', pattern: String.raw`tensorflow|tensorfow`, hints: ['tensorf'] },
  { framework: 'tensorflow', pattern: String.raw`TF(?=\s*v?\d)`, caseSensitive: true, hints: ['tf'] },
  { framework: 'pytorch', pattern: String.raw`pytorch`, hints: ['pytorch'] },
  // The package's own name, in container changelogs ("Bumped torch to 2.7.1"); not torch.compile or torchvision.
  { framework: 'pytorch', pattern: String.raw`torch(?=\s+(?:to\s+|from\s+v?\d[\w.]*\s+to\s+)?v?\d)`, hints: ['torch'] },
  { framework: 'jax', pattern: String.raw`jax`, hints: ['jax'] },
  // "Base versions with CUDA 12.4", "Base CUDA 12.6 container images", "Base-cu128", "Base GPU".
  // "base" alone is an ordinary word ("the base image of the product", "base software libraries").
  { framework: 'base', pattern: String.raw`Base(?=[\s-]+(?:[Vv]ersions?|[Ii]mages?|[Cc]ontainers?|DLCs?|cpu|gpu|tpu|CPU|GPU|TPU|cuda|CUDA|with\s+(?:cuda|CUDA)|cu\d))`, caseSensitive: true, hints: ['base'] },
  { framework: 'base', pattern: String.raw`base(?=[\s-]+(?:cuda|cu\d))`, hints: ['base'] },
  // R is a capital letter on its own: "R 4.3", "R images", "R and Theia images", "the R image".
  { framework: 'r', pattern: String.raw`R(?![\w.\-/\[])`, caseSensitive: true, hints: ['r'] },
  { framework: 'huggingface', pattern: String.raw`hugging\s*face|HF(?=\s+(?:TGI|TEI|text|inference|containers?|DLCs?))|text[- ]generation[- ]inference|text[- ]embeddings[- ]inference|TGI|TEI`, hints: ['hugging', 'hf', 'text generation', 'text embeddings', 'tgi', 'tei'] },
  // "Hugging Face DLCs … with Transformers 4.48": the Transformers version names a Hugging Face line,
  // but only next to a Hugging Face name (mentions.ts); alone it is a package in someone's images.
  { framework: 'huggingface', pattern: String.raw`transformers(?=\s+(?:to\s+)?v?\d)`, hints: ['transformers'] },
  { framework: 'vllm', pattern: String.raw`vllm(?:[- ]omni)?`, hints: ['vllm'] },
  { framework: 'sglang', pattern: String.raw`sglang`, hints: ['sglang'] },
  { framework: 'ray', pattern: String.raw`Ray(?![\w-])`, caseSensitive: true, hints: ['ray'] },
  { framework: 'xgboost', pattern: String.raw`xgboost`, hints: ['xgboost'] },
  { framework: 'scikit-learn', pattern: String.raw`scikit[- ]learn|sklearn`, hints: ['scikit', 'sklearn'] },
  { framework: 'spark', pattern: String.raw`pyspark|(?:apache\s+)?spark(?![.\w])`, hints: ['pyspark', 'spark', 'apache'] },
  { framework: 'python', pattern: String.raw`python`, hints: ['python'] },
  { framework: 'other', pattern: String.raw`swift for tensorflow|mxnet|chainer|cntk|caffe2?|rapids|theia(?:\s+ide)?|whisperx|triton inference server|hex-llm`, hints: ['swift', 'mxnet', 'chainer', 'cntk', 'caffe', 'rapids', 'theia', 'whisperx', 'triton', 'hex llm'] },
];

/**
 * "TensorFlow Probability", "PyTorch Lightning": packages named after a framework. A mention
 * followed by one of these is a library, not the framework (its version is the library's).
 */
export const LIBRARY_SUFFIX = /^[\s-]+(?:probability|i\/o|io\b|estimator|datasets|hub|addons|text(?![- ](?:generation|embeddings))|model(?:\s+(?:garden|optimization|analysis))?|decision forests|recommenders|agents|quantum|federated|graphics|transform|ranking|cloud|data validation|lite|serving[- ]api|serving(?!\s*v?\d|\s+(?:containers?|images?|dlcs?|runtimes?)\b)|lightning|geometric|ignite|audio|vision)\b/i;

/**
 * Words that may stand between a framework's name and its version: "PyTorch Training 2.5",
 * "TensorFlow Enterprise 2.8", "PyTorch/XLA 1.10", "Hugging Face PyTorch Inference 2.2",
 * "TensorFlow Serving 2.14", "Base CUDA 12.6", "PyTorch versions 2.3", "Pytorch patch updates for",
 * "Text Generation Inference (TGI) 3.3", "PyTorch (GPU) 2.4", "the TensorFlow Enterprise 2.8 family from 2.8.4 to 2.8.5",
 * "a Text Embeddings Inference container, version 1.9.1".
 */
export const QUALIFIER = String.raw`(?:\((?:tgi|tei|dlcs?|gpu|cpu|tpu)\)|,\s*versions?(?=\s+v?\d+(?:\.\d+)+(?:,|\.(?!\d)|\s*$|\s+(?:for|is|are|was|were|with|on|in)\b))|famil(?:y|ies)|enterprise|training|inference|serving|prediction|gpu|cpu|tpu|/?\s*xla|experimental|\(experimental\)|dlcs?|deep learning|vms?|optimized|nightly|text generation inference|tgi|tei|pytorch|tensorflow|transformers|versions?|images?|containers?|patch (?:updates?|releases?|versions?(?: upgrades?)?)(?: for)?|and earlier versions?|runtimes?|line|(?:(?:has been|have been|is|was|were|are)\s+)?(?:upgraded|updated|bumped|moved|pinned|upgrade|update) to(?: version)?|(?:(?:has been|have been|is|was|were|are)\s+)?(?:upgraded|updated|bumped|moved)(?=\s+from\b)|to version|to the latest (?:patch )?version:?|to(?=\s+v?\d)|from)`;

/** Base images are named by their CUDA version: "Base versions with CUDA 12.4", "Base CUDA 12.6 container". */
export const BASE_QUALIFIER = String.raw`(?:versions?|images?|containers?|cpu|gpu|tpu|-|(?:with\s+)?cuda)`;

/** Nouns that name an image line (what "is now available" must be about to be a new image). */
export const IMAGE_NOUN = /\b(?:images?|dlvms?|image families|image family|containers?|container images?|dlcs?|deep learning containers|runtimes?|vms?|builds?|image versions?|image lines?|flavou?rs?)\b/i;

/** Things that are updated inside images: an upgrade of one of these is a dependency update. */
export const DEPENDENCY_NOUN = /\b(?:cuda|cudnn|nccl|efa|gdrcopy|drivers?|python|debian|ubuntu|amazon linux|kernel|docker|containerd|jupyter\w*|conda|pip|nvidia|os|tensorrt|xla|libraries|library|packages?|sdk|plugin|extension|toolkit|transformer engine|deepspeed|flash-attn|torchvision|torchaudio|triton|openssl|glibc|openssh|mpi|openmpi|libfabric|horovod|numpy|scipy|pandas|tools?|widgets?|agent|binary|binaries|module)\b/i;

/** "… a runtime with Python 3.13", "images for Python 3.12": what stands before a Python version that is the images' line. */
export const PYTHON_IMAGES_BEFORE = /\b(?:images?|containers?|runtimes?)\s+(?:for|with)\s+$/i;

/** "except for TensorFlow images": what follows is excluded, not the subject. */
export const EXCEPTION_BEFORE = /\b(?:except(?: for)?|other than|excluding|besides|apart from)\s+(?:the\s+)?$/i;
