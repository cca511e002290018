// The Lorenz-96 example's model (examples/lorenz96-4dvar/model.ts), differentiated as the example does.
import { grad, jvp, vjp } from 'tsgrad';
import { cost, costTaped, forecast } from '../../examples/lorenz96-4dvar/model.js';

export { cost, forecast };
export const cost_grad = grad(cost, 0);
export const costTaped_grad = grad(costTaped, 0);
export const forecast_jvp = (x0: number[], steps: number, dt: number, dx: number[]) => jvp(forecast, [x0, steps, dt], [dx, 0, 0]);
export const forecast_vjp = (x0: number[], steps: number, dt: number) => vjp(forecast, x0, steps, dt);
