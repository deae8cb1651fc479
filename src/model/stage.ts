/** The pipeline's stages, in the order `etl run` executes them. */
const STAGES = ["extract", "transform", "load"] as const;
export type Stage = (typeof STAGES)[number];

/** Where an error or a progress event comes from: a stage, or the code around the stages. */
export type Origin = Stage | "config" | "pipeline";
