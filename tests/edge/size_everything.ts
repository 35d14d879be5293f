// Bundle-size entry (c): everything mod.ts exports (tools/edge/sizes.ts).
export * from "../../mod.ts";
