import { createStep, createWorkflow } from '@mastra/core/workflows';
import { z } from 'zod';

const order = z.object({ orderId: z.string(), amount: z.number(), note: z.string().optional() });

const priceOrder = createStep({
  id: 'price-order',
  inputSchema: order,
  outputSchema: z.object({ orderId: z.string(), cents: z.number().int() }),
  execute: async ({ inputData }) => ({ orderId: inputData.orderId, cents: Math.round(inputData.amount * 100) }),
});

const describeOrder = createStep({
  id: 'describe-order',
  inputSchema: z.object({ verbose: z.boolean() }),
  outputSchema: z.object({ line: z.string(), note: z.string(), visits: z.number() }),
  execute: async ({ inputData, getStepResult, getInitData, state, setState }) => {
    const priced = getStepResult(priceOrder);
    const byId = getStepResult<{ cents: number }>('price-order');
    const init = getInitData<{ orderId: string; note?: string }>();
    const visits = Number(state?.visits ?? 0) + 1;
    await setState({ visits });
    const cents = priced?.cents ?? byId?.cents;
    const line = inputData.verbose
      ? `order ${init.orderId} costs ${cents === undefined ? 'nothing yet' : cents / 100} EUR`
      : `${init.orderId}: ${cents}`;
    return { line, note: init.note ?? 'no note', visits };
  },
});

const approveOrder = createStep({
  id: 'approve-order',
  inputSchema: z.object({ cents: z.number().int(), orderId: z.string() }),
  outputSchema: z.object({ approved: z.boolean(), by: z.string() }),
  suspendSchema: z.object({ reason: z.string() }),
  resumeSchema: z.object({ by: z.string() }),
  execute: async (params) => {
    const { inputData, resumeData, suspend, bail } = params;
    if (inputData.cents <= 0) {
      return bail({ approved: false, by: 'nobody' });
    }
    if (inputData.cents > 10000 && !resumeData?.by) {
      return await suspend({ reason: `${inputData.orderId} is over 100 EUR` }, { resumeLabel: 'big-order' });
    }
    return { approved: true, by: resumeData?.by ?? 'auto' };
  },
});

export const formsWorkflow = createWorkflow({
  id: 'forms',
  inputSchema: order,
  outputSchema: z.object({ approved: z.boolean(), by: z.string() }),
})
  .then(priceOrder)
  .then(approveOrder)
  .commit();

export const describeWorkflow = createWorkflow({
  id: 'describe',
  inputSchema: z.object({ verbose: z.boolean() }),
  outputSchema: z.object({ line: z.string(), note: z.string(), visits: z.number() }),
})
  .then(describeOrder)
  .commit();
