// The module a page that needs only the first result imports (tools/edge/browser.ts times it beside
// the bundle of all of mod.ts): what a site bundling its own code by name loads; the bundler keeps
// only what `randn` and the Tensor methods need.
export { randn } from "../../mod.ts";
