// Module hooks for run_step.mjs on legacy (0.x) fixtures: `@mastra/core/workflows` resolves to
// legacy_classes.mjs for the fixture's own files. Mastra 1.x no longer ships the legacy `Step` and
// `Workflow` classes; the fixture only needs them to hold the step configs whose `execute`
// functions the runner calls (on real Mastra 1.x, see run_step.mjs).

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (specifier === '@mastra/core/workflows' && !parent.includes('/node_modules/')) {
    return { url: new URL('./legacy_classes.mjs', import.meta.url).href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
