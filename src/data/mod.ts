/**
 * Data loading, as `torch.utils.data` and `torchvision`: `Dataset`, `TensorDataset`, `Subset`,
 * `ConcatDataset`, `randomSplit`, `DataLoader` and `defaultCollate`; iterable-style data sets for
 * streams (`IterableDataset`, `ChainDataset`, `getWorkerInfo`, `defaultConvert`); samplers (`SequentialSampler`,
 * `RandomSampler`, `SubsetRandomSampler`, `WeightedRandomSampler`, `BatchSampler`); `transforms` (`Compose`,
 * `ToTensor`, `Normalize`, `Lambda`); `datasets` (`FashionMNIST`, `MNIST`, `Digits`, `Iris`);
 * and readers for IDX and CSV files.
 *
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * import { DataLoader, datasets, randomSplit } from "./mod.ts";
 * torch.manualSeed(0);
 * const digits = await datasets.Digits.load();
 * const [train, test] = randomSplit(digits, [0.8, 0.2]);
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true });
 * for (const [images, labels] of loader) {
 *   assertEquals([images.shape, labels.shape], [[64, 1, 8, 8], [64]]);
 *   break;
 * }
 * assertEquals([train.length, test.length], [1438, 359]);
 * ```
 * @module
 */
export {
  ConcatDataset,
  Dataset,
  type DatasetLike,
  randomSplit,
  type RandomSplitOptions,
  Subset,
  TensorDataset,
} from "./dataset.ts";
export { type Collated, DataLoader, type DataLoaderOptions, defaultCollate } from "./dataloader.ts";
export {
  ChainDataset,
  type Converted,
  defaultConvert,
  getWorkerInfo,
  IterableDataset,
  type WorkerInfo,
} from "./iterable.ts";
export {
  BatchSampler,
  type GeneratorOption,
  RandomSampler,
  type RandomSamplerOptions,
  Sampler,
  type SamplerLike,
  SequentialSampler,
  type Sized,
  SubsetRandomSampler,
  WeightedRandomSampler,
  type WeightedRandomSamplerOptions,
} from "./sampler.ts";
export { type IdxOptions, parseIdx, readIdx } from "./idx.ts";
export { type CsvOptions, type CsvTable, parseCsv, readCsv } from "./csv.ts";
export * as transforms from "./transforms.ts";
export * as datasets from "./datasets.ts";
export type { PathLike } from "../io/fs.ts";
