/**
 * Run by tools/edge/node.ts in Node: imports the library from the path or URL given as the first
 * argument (`mod.ts` itself under Node 22's type stripping, or an esbuild bundle under Node 20),
 * runs the shared scenario on the CPU and prints the result as one JSON line.
 * @module
 */
import process from "node:process";
import { pathToFileURL } from "node:url";
import type * as Torch from "../../mod.ts";
import { runScenario } from "./scenario.ts";

const target = process.argv[2];
if (!target) throw new Error("usage: node node_check.(ts|mjs) <path of mod.ts or of a bundle>");
const torch = await import(pathToFileURL(target).href) as typeof Torch;
const variant = await torch.init();
const result = await runScenario(torch, "cpu");
console.log(JSON.stringify({ node: process.version, variant, gpu: await torch.gpu.isAvailable(), result }));
