/**
 * Explicit time budgets for tests that start processes or run real tools, sized for the 2-core machine that CI and
 * contributors share, with another job keeping one core busy (docs/architecture.md, "Tests on a busy machine"). A
 * budget is a ceiling, never an expectation: tests wait for events and finish as soon as they happen.
 */
/** terraform init, plan and show (each 3-10 s alone, three to five times that on a loaded machine). */
export const TERRAFORM_BUDGET_MS = 300_000;
/** Cloning and synthesizing the app, or running cdktf-cli. */
export const SYNTH_BUDGET_MS = 240_000;
/** A few fresh Node or tsx processes (each 1-3 s to start under load). */
export const PROCESS_BUDGET_MS = 120_000;
