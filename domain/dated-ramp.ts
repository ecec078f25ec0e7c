/**
 * A setting tightened on dates (DMARC's policy, MTA-STS's mode): the base value, then each step
 * from its day on. One mechanism, so every ramp is configured, ordered and read the same way.
 */

/** One dated step: from `from` (YYYY-MM-DD) on, `value` is in force. */
export interface RampStep<V> {
  from: string;
  value: V;
}

/** The value in force on `day` (YYYY-MM-DD): the last step that has started, else the base value. */
export function valueOnDay<V>(base: V, steps: ReadonlyArray<RampStep<V>>, day: string): V {
  const started = steps.filter((step) => step.from <= day);
  return started.length > 0 ? started[started.length - 1].value : base;
}

/** The index of each step that does not come after the step before it, with that step's date. */
export function stepsOutOfOrder(steps: ReadonlyArray<{ from: string }>): Array<{ index: number; previous: string }> {
  return steps.flatMap((step, index) => (index > 0 && step.from <= steps[index - 1].from ? [{ index, previous: steps[index - 1].from }] : []));
}
