/**
 * A setting the stack cannot build from, said in one line that names it and what is allowed: synth, plan:offline,
 * secret and forget print it and exit 2, never with a stack trace. Its own file, so that the settings' parser and the
 * constructs that check their inputs both use it without importing each other.
 */
export class StackConfigError extends Error {
  override readonly name = "StackConfigError";
}
