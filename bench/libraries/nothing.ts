/** The floor: a handler that does nothing. */
export async function handler(): Promise<void> {}
