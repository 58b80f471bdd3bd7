// The 0.x `Step` and `Workflow` as holders only (see hooks.mjs): a Step keeps its config, a
// Workflow records every Step its builder chain is given, by id, under `steps`.

export class Step {
  constructor(config) {
    Object.assign(this, config);
  }
}

export class Workflow {
  constructor(config) {
    this.name = config?.name;
    this.steps = {};
    // every builder method (step, then, after, if, else, while, until, commit, ...) records
    // the steps among its arguments and returns the workflow
    const chain = new Proxy(this, {
      get(target, key) {
        if (key in target || typeof key !== 'string') return target[key];
        return (...args) => {
          for (const arg of args) {
            if (arg instanceof Step) target.steps[arg.id] = arg;
          }
          return chain;
        };
      },
    });
    return chain;
  }
}
