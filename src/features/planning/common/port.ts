/**
 * A feature planning is handed at startup by the composition root (src/compose.ts composeFeatures):
 * `provide` once, then `get` where it is needed; `get` fails loudly when it was never provided.
 */
export function portOf<P>(name: string) {
  let port: P | null = null;
  return {
    provide(implementation: P): void {
      port = implementation;
    },
    get(): P {
      if (!port) throw new Error(`planning: ${name} was not provided (src/compose.ts composeFeatures)`);
      return port;
    },
  };
}
