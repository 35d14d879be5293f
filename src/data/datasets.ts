/**
 * Ready-made data sets: `FashionMNIST` and `MNIST` (read from a directory of IDX files),
 * `Digits` (the 8x8 hand-written digits, embedded in the package) and `Iris` (embedded too).
 * Items are `[image, label]` pairs like torchvision's, so `DataLoader` batches are
 * `[images, labels]` tensors.
 * @module
 */
import { backendFor } from "../backends/registry.ts";
import { decodeBase64 } from "../backends/wasm/base64.ts";
import { Tensor } from "../tensor.ts";
import { fileExists, gunzip, type PathLike, pathName } from "../io/fs.ts";
import { parseCsv } from "./csv.ts";
import { checkIndex, Dataset, FETCH_BATCH, selectRows } from "./dataset.ts";
import { readIdx } from "./idx.ts";
import type { TransformFn } from "./transforms.ts";
import { IRIS_CSV } from "./iris.generated.ts";

/** Options shared by the classification data sets. */
export interface ClassificationOptions<I = Tensor, L = number> {
  /** Applied to each image (see each data set for what it receives). */
  transform?: TransformFn<Tensor, I>;
  /** Applied to each label (a number). */
  targetTransform?: TransformFn<number, L>;
}

/** Options of `FashionMNIST` and `MNIST`. */
export interface MNISTOptions<I = Tensor, L = number> extends ClassificationOptions<I, L> {
  /** The 60000-image training split (default) or, with `false`, the 10000-image test split. */
  train?: boolean;
}

/**
 * The base of the built-in classification data sets: `data` (one row per sample), `targets`
 * (int32 labels), `classes` (label names), and `[image, label]` items.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { Digits } from "./datasets.ts";
 * const ds = await Digits.load();
 * const [image, label] = ds.getItem(0);
 * assertEquals([image.shape, label, ds.classes.length], [[1, 8, 8], 0, 10]);
 * ```
 */
export abstract class ClassificationDataset<I = Tensor, L = number> extends Dataset<[I, L]> {
  /** The samples as stored (e.g. uint8 `[N, 28, 28]`). */
  readonly data: Tensor;
  /** The labels, int32 `[N]`. */
  readonly targets: Tensor;
  /** The class names; label `k` is `classes[k]`. */
  readonly classes: readonly string[];
  /** The image transform, if any. */
  readonly transform: TransformFn<Tensor, I> | undefined;
  /** The label transform, if any. */
  readonly targetTransform: TransformFn<number, L> | undefined;
  readonly #labels: Int32Array;

  /** @internal Subclasses pass their name, tensors, class names and options. */
  constructor(
    name: string,
    data: Tensor,
    targets: Tensor,
    classes: readonly string[],
    opts: ClassificationOptions<I, L>,
  ) {
    super();
    if (!(data instanceof Tensor) || !(targets instanceof Tensor)) {
      throw new TypeError(`${name}: expected data and targets tensors`);
    }
    if (targets.ndim !== 1 || data.ndim < 1 || data.shape[0] !== targets.shape[0]) {
      throw new RangeError(
        `${name}: data [${data.shape.join(", ")}] and targets [${
          targets.shape.join(", ")
        }] must have the same ` +
          "number of samples (targets 1-d)",
      );
    }
    const labels = targets.to("int32").dataSync() as Int32Array;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes.length) {
        throw new RangeError(
          `${name}: label ${labels[i]} of sample ${i} is outside 0..${classes.length - 1}`,
        );
      }
    }
    if (opts.transform !== undefined && typeof opts.transform !== "function") {
      throw new TypeError(`${name}: transform must be a function`);
    }
    if (opts.targetTransform !== undefined && typeof opts.targetTransform !== "function") {
      throw new TypeError(`${name}: targetTransform must be a function`);
    }
    this.data = data;
    this.targets = targets.dtype === "int32" ? targets : targets.to("int32");
    this.classes = Object.freeze([...classes]);
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
    this.#labels = labels;
  }

  /** Number of samples. */
  get length(): number {
    return this.#labels.length;
  }

  /** What `transform` receives for one stored sample. */
  protected abstract transformInput(raw: Tensor): Tensor;
  /** The image of an item when there is no transform. */
  protected abstract defaultImage(raw: Tensor): Tensor;
  /** `defaultImage` for a batch of stored samples (first dimension the batch). */
  protected abstract defaultBatch(raw: Tensor): Tensor;

  /** `[image, label]` for sample `index`, after the transforms. */
  getItem(index: number): [I, L] {
    const i = checkIndex(this.constructor.name, index, this.length);
    const raw = this.data.index(i);
    const image = this.transform ? this.transform(this.transformInput(raw)) : this.defaultImage(raw) as I;
    const label = this.targetTransform ? this.targetTransform(this.#labels[i]) : this.#labels[i] as L;
    return [image, label];
  }

  /** @internal Whole batches with one indexSelect when no transform is set. */
  [FETCH_BATCH](indices: Int32Array): [Tensor, Tensor] | null {
    if (this.transform || this.targetTransform) return null;
    return [this.defaultBatch(selectRows(this.data, indices)), selectRows(this.targets, indices)];
  }
}

// ---------------------------------------------------------------------------------------------
// MNIST-style IDX directories

const FASHION_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
];
const MNIST_CLASSES = [
  "0 - zero",
  "1 - one",
  "2 - two",
  "3 - three",
  "4 - four",
  "5 - five",
  "6 - six",
  "7 - seven",
  "8 - eight",
  "9 - nine",
];
// Frozen copies for the classes getters. The getters (rather than static fields that call
// Object.freeze) keep the dataset classes free of import-time side effects, so a bundler drops
// them, and the 77 KB digits data they load, from programs that do not use them.
const FASHION_CLASS_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([...FASHION_CLASSES]);
const MNIST_CLASS_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze([...MNIST_CLASSES]);
const DIGIT_CLASS_NAMES: readonly string[] = /* @__PURE__ */ Object.freeze(
  Array.from({ length: 10 }, (_, d) => String(d)),
);

function joinPath(root: PathLike, file: string): PathLike {
  if (root instanceof URL) return new URL(file, root.href.endsWith("/") ? root : new URL(root.href + "/"));
  return root.endsWith("/") || root.endsWith("\\") ? root + file : `${root}/${file}`;
}

async function findFile(op: string, root: PathLike, base: string, hint: string): Promise<PathLike> {
  for (const name of [`${base}.gz`, base]) {
    const p = joinPath(root, name);
    if (await fileExists(p)) return p;
  }
  throw new Error(`${op}: cannot find ${base}.gz (or ${base}) in ${pathName(root)}${hint}`);
}

async function loadMnistFiles(
  op: string,
  root: PathLike,
  train: boolean,
  hint: string,
): Promise<{ images: Tensor; labels: Tensor }> {
  if (typeof root !== "string" && !(root instanceof URL)) {
    throw new TypeError(`${op}: expected a directory path (string or URL), got ${typeof root}`);
  }
  const prefix = train ? "train" : "t10k";
  const imgPath = await findFile(op, root, `${prefix}-images-idx3-ubyte`, hint);
  const lblPath = await findFile(op, root, `${prefix}-labels-idx1-ubyte`, hint);
  const [images, labels] = await Promise.all([
    readIdx(imgPath, { expectMagic: 0x00000803 }),
    readIdx(lblPath, { expectMagic: 0x00000801 }),
  ]);
  if (images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new RangeError(
      `${op}: ${pathName(imgPath)}: expected 28x28 images, found [${images.shape.join(", ")}]`,
    );
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new RangeError(
      `${op}: ${pathName(imgPath)} has ${images.shape[0]} images but ${pathName(lblPath)} has ${
        labels.shape[0]
      } labels`,
    );
  }
  return { images, labels: labels.to("int32") };
}

function uint8ImageToFloat(raw: Tensor): Tensor {
  return raw.float().div(255);
}

/**
 * Fashion-MNIST (Zalando): 28x28 grayscale clothing images in 10 classes, 60000 for training and
 * 10000 for testing, read from a directory holding the original files
 * (`train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-*`; gzipped or not). On
 * Debian, `apt-get install dataset-fashion-mnist` puts them in `/usr/share/datasets/fashion-mnist`.
 *
 * `data` is uint8 `[N, 28, 28]`, `targets` int32 `[N]`. Items are `[image, label]`: without a
 * transform the image is float32 `[1, 28, 28]` in [0, 1] (what `ToTensor` makes); a `transform`
 * receives the uint8 `[28, 28]` image, as torchvision's receives the PIL image, so
 * `new Compose([new ToTensor(), new Normalize([0.5], [0.5])])` works as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { FashionMNIST } from "./datasets.ts";
 * const dir = new URL("../../../shared/data/fashion-mnist/", import.meta.url);
 * const test = await FashionMNIST.load(dir, { train: false }).catch(() => null); // null: no data here
 * if (test !== null) {
 *   const [image, label] = test.getItem(0);
 *   assertEquals([test.length, image.shape, test.classes[label]], [10000, [1, 28, 28], "Ankle boot"]);
 * }
 * ```
 */
export class FashionMNIST<I = Tensor, L = number> extends ClassificationDataset<I, L> {
  /** The class names, label order. */
  static get classes(): readonly string[] {
    return FASHION_CLASS_NAMES;
  }
  /** Whether this is the training split. */
  readonly train: boolean;

  /** Wraps already-loaded tensors (uint8 `[N, 28, 28]` images, `[N]` labels); see `load`. */
  constructor(data: Tensor, targets: Tensor, opts: MNISTOptions<I, L> = {}) {
    super("FashionMNIST", data, targets, FASHION_CLASSES, opts);
    this.train = opts.train ?? true;
  }

  /** Reads the training (default) or test split from `root`. */
  static async load<I = Tensor, L = number>(
    root: PathLike,
    opts: MNISTOptions<I, L> = {},
  ): Promise<FashionMNIST<I, L>> {
    const hint =
      " (download Fashion-MNIST's four .gz files there; on Debian: apt-get install dataset-fashion-mnist, " +
      "then use /usr/share/datasets/fashion-mnist)";
    const { images, labels } = await loadMnistFiles("FashionMNIST", root, opts.train ?? true, hint);
    return new FashionMNIST(images, labels, opts);
  }

  /** What `transform` receives for one stored sample. */
  protected transformInput(raw: Tensor): Tensor {
    return raw;
  }
  /** The image of an item when there is no transform. */
  protected defaultImage(raw: Tensor): Tensor {
    return uint8ImageToFloat(raw).unsqueeze(0);
  }
  /** `defaultImage` for a batch of stored samples. */
  protected defaultBatch(raw: Tensor): Tensor {
    return uint8ImageToFloat(raw).unsqueeze(1);
  }
}

/**
 * MNIST (hand-written digits, 28x28), in the same file layout as Fashion-MNIST
 * (`train-images-idx3-ubyte.gz`, ...); items and transforms as `FashionMNIST`.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { MNIST } from "./datasets.ts";
 * try {
 *   const ds = await MNIST.load("/usr/share/datasets/mnist", { train: false });
 *   assertEquals(ds.length, 10000);
 * } catch {
 *   // not installed here
 * }
 * ```
 */
export class MNIST<I = Tensor, L = number> extends ClassificationDataset<I, L> {
  /** The class names, label order. */
  static get classes(): readonly string[] {
    return MNIST_CLASS_NAMES;
  }
  /** Whether this is the training split. */
  readonly train: boolean;

  /** Wraps already-loaded tensors (uint8 `[N, 28, 28]` images, `[N]` labels); see `load`. */
  constructor(data: Tensor, targets: Tensor, opts: MNISTOptions<I, L> = {}) {
    super("MNIST", data, targets, MNIST_CLASSES, opts);
    this.train = opts.train ?? true;
  }

  /** Reads the training (default) or test split from `root`. */
  static async load<I = Tensor, L = number>(
    root: PathLike,
    opts: MNISTOptions<I, L> = {},
  ): Promise<MNIST<I, L>> {
    const { images, labels } = await loadMnistFiles("MNIST", root, opts.train ?? true, "");
    return new MNIST(images, labels, opts);
  }

  /** What `transform` receives for one stored sample. */
  protected transformInput(raw: Tensor): Tensor {
    return raw;
  }
  /** The image of an item when there is no transform. */
  protected defaultImage(raw: Tensor): Tensor {
    return uint8ImageToFloat(raw).unsqueeze(0);
  }
  /** `defaultImage` for a batch of stored samples. */
  protected defaultBatch(raw: Tensor): Tensor {
    return uint8ImageToFloat(raw).unsqueeze(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Embedded data sets

interface DigitsArrays {
  pixels: Uint8Array;
  labels: Int32Array;
}
let digitsCache: Promise<DigitsArrays> | null = null;

async function decodeDigits(): Promise<DigitsArrays> {
  // Imported on first use: 77 KB that `import` of the library should not pay for.
  const { DIGITS_CSV_GZ_BASE64 } = await import("./digits.generated.ts");
  const gz = decodeBase64(DIGITS_CSV_GZ_BASE64);
  const text = new TextDecoder().decode(await gunzip(gz, "Digits (embedded digits.csv.gz)"));
  const { rows } = parseCsv(text, { name: "Digits (embedded digits.csv)" });
  if (rows.length !== 1797 || rows.some((r) => r.length !== 65)) {
    throw new Error(`Digits: the embedded table has ${rows.length} rows; expected 1797 rows of 65 values`);
  }
  const pixels = new Uint8Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    for (let k = 0; k < 64; k++) pixels[i * 64 + k] = r[k];
    labels[i] = r[64];
  });
  return { pixels, labels };
}

/**
 * The 8x8 hand-written digits (UCI optdigits test set as shipped by scikit-learn, CC BY 4.0):
 * 1797 samples, pixel values 0..16, labels 0..9. Embedded in the package, so it needs no files or
 * network; decoding uses `DecompressionStream`, hence the async `Digits.load()`.
 *
 * `data` is uint8 `[1797, 8, 8]` (0..16), `targets` int32 `[1797]`. Items are `[image, label]`
 * with the image float32 `[1, 8, 8]` scaled to [0, 1] (pixel / 16); a `transform` receives that
 * float image (there is no raw image format to mirror here).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { Digits } from "./datasets.ts";
 * const ds = await Digits.load();
 * const [image, label] = ds.getItem(0);
 * assertEquals([ds.length, image.shape, label], [1797, [1, 8, 8], 0]);
 * ```
 */
export class Digits<I = Tensor, L = number> extends ClassificationDataset<I, L> {
  /** The class names ("0" to "9"). */
  static get classes(): readonly string[] {
    return DIGIT_CLASS_NAMES;
  }

  /** Wraps already-decoded tensors (uint8 `[N, 8, 8]` values 0..16, `[N]` labels); see `load`. */
  constructor(data: Tensor, targets: Tensor, opts: ClassificationOptions<I, L> = {}) {
    super("Digits", data, targets, Digits.classes, opts);
  }

  /** Decodes the embedded data set (decoded once per process, then cached). */
  static async load<I = Tensor, L = number>(opts: ClassificationOptions<I, L> = {}): Promise<Digits<I, L>> {
    digitsCache ??= decodeDigits();
    let arrays: DigitsArrays;
    try {
      arrays = await digitsCache;
    } catch (e) {
      digitsCache = null;
      throw e;
    }
    const cpu = backendFor("cpu");
    const n = arrays.labels.length;
    const data = new Tensor(cpu.fromTyped(arrays.pixels, "uint8"), [n, 8, 8]);
    const targets = new Tensor(cpu.fromTyped(arrays.labels, "int32"), [n]);
    return new Digits(data, targets, opts);
  }

  /** What `transform` receives for one stored sample. */
  protected transformInput(raw: Tensor): Tensor {
    return raw.float().div(16).unsqueeze(0);
  }
  /** The image of an item when there is no transform. */
  protected defaultImage(raw: Tensor): Tensor {
    return this.transformInput(raw);
  }
  /** `defaultImage` for a batch of stored samples. */
  protected defaultBatch(raw: Tensor): Tensor {
    return raw.float().div(16).unsqueeze(1);
  }
}

/**
 * Fisher's iris data (public domain): 150 samples of 4 measurements (sepal length and width,
 * petal length and width, in cm), 3 classes. Embedded as text, so the constructor is synchronous.
 * `data` is float32 `[150, 4]`; items are `[features, label]` with features float32 `[4]` (what a
 * `transform` receives too).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { Iris } from "./datasets.ts";
 * const ds = new Iris();
 * const [x, y] = ds.getItem(0);
 * assertEquals([ds.length, ds.classes[y]], [150, "setosa"]);
 * assertEquals(x.toArray(), [5.1, 3.5, 1.4, 0.2].map(Math.fround)); // as float32
 * ```
 */
export class Iris<I = Tensor, L = number> extends ClassificationDataset<I, L> {
  /** Builds the data set from the embedded table. */
  constructor(opts: ClassificationOptions<I, L> = {}) {
    const lines = IRIS_CSV.split("\n");
    const head = lines[0].split(",");
    const n = Number(head[0]), f = Number(head[1]);
    const classes = head.slice(2);
    const { rows } = parseCsv(lines.slice(1).join("\n"), { name: "Iris (embedded iris.csv)" });
    if (rows.length !== n || rows.some((r) => r.length !== f + 1)) {
      throw new Error(
        `Iris: the embedded table has ${rows.length} rows; expected ${n} rows of ${f + 1} values`,
      );
    }
    const x = new Float32Array(n * f);
    const y = new Int32Array(n);
    rows.forEach((r, i) => {
      for (let k = 0; k < f; k++) x[i * f + k] = r[k];
      y[i] = r[f];
    });
    const cpu = backendFor("cpu");
    super(
      "Iris",
      new Tensor(cpu.fromTyped(x, "float32"), [n, f]),
      new Tensor(cpu.fromTyped(y, "int32"), [n]),
      classes,
      opts,
    );
  }

  /** The same as `new Iris(opts)`, for symmetry with the other data sets. */
  static load<I = Tensor, L = number>(opts: ClassificationOptions<I, L> = {}): Promise<Iris<I, L>> {
    return Promise.resolve(new Iris(opts));
  }

  /** What `transform` receives for one stored sample. */
  protected transformInput(raw: Tensor): Tensor {
    return raw;
  }
  /** The image of an item when there is no transform. */
  protected defaultImage(raw: Tensor): Tensor {
    return raw;
  }
  /** `defaultImage` for a batch of stored samples. */
  protected defaultBatch(raw: Tensor): Tensor {
    return raw;
  }
}
