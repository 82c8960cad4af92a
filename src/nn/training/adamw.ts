import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';

type Tf = TensorFlow;

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (Loshchilov and Hutter 2019): w -= lr * decay * w, outside the adaptive step. */
  weightDecay?: number;
  /** Which variables decay; default kernels only (not biases, not normalisation scales and offsets). */
  decays?: (variableName: string) => boolean;
}

/** The optimiser's moments and step count as plain arrays, for checkpoints. */
export interface AdamWState {
  step: number;
  firstMoments: Float32Array[];
  secondMoments: Float32Array[];
}

const decaysKernels = (name: string): boolean => /kernel/.test(name);

/**
 * AdamW: Adam's bias-corrected moments with weight decay decoupled from the gradient, as seed 001
 * trains (with cosine warm restarts setting the rate per step). The learning rate is an argument of
 * every step, so a schedule needs no optimiser rebuild; the moments can be saved and restored.
 */
export class AdamW {
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly decays: (variableName: string) => boolean;
  private firstMoments: tfTypes.Variable[] = [];
  private secondMoments: tfTypes.Variable[] = [];
  private stepCount = 0;

  constructor(
    private readonly tf: Tf,
    private readonly variables: tfTypes.Variable[],
    options: AdamWOptions = {},
  ) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.weightDecay = options.weightDecay ?? 1e-2;
    this.decays = options.decays ?? decaysKernels;
    this.firstMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false));
    this.secondMoments = variables.map((v) => tf.variable(tf.zerosLike(v), false));
  }

  get step(): number {
    return this.stepCount;
  }

  /** One update from gradients in the order of the variables given to the constructor. */
  apply(gradients: tfTypes.Tensor[], learningRate: number): void {
    const tf = this.tf;
    this.stepCount += 1;
    const correction1 = 1 - this.beta1 ** this.stepCount;
    const correction2 = 1 - this.beta2 ** this.stepCount;
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const g = gradients[i]!;
        const m = this.firstMoments[i]!;
        const v = this.secondMoments[i]!;
        const nextM = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const nextV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(nextM);
        v.assign(nextV);
        const adaptive = tf.div(tf.div(nextM, correction1), tf.add(tf.sqrt(tf.div(nextV, correction2)), this.epsilon));
        let update = tf.mul(adaptive, learningRate);
        if (this.weightDecay > 0 && this.decays(variable.name)) update = tf.add(update, tf.mul(variable, learningRate * this.weightDecay));
        variable.assign(tf.sub(variable, update));
      });
    });
  }

  getState(): AdamWState {
    return {
      step: this.stepCount,
      firstMoments: this.firstMoments.map((m) => m.dataSync() as Float32Array),
      secondMoments: this.secondMoments.map((v) => v.dataSync() as Float32Array),
    };
  }

  setState(state: AdamWState): void {
    const tf = this.tf;
    this.stepCount = state.step;
    tf.tidy(() => {
      this.firstMoments.forEach((m, i) => m.assign(tf.tensor(state.firstMoments[i]!, m.shape)));
      this.secondMoments.forEach((v, i) => v.assign(tf.tensor(state.secondMoments[i]!, v.shape)));
    });
  }

  dispose(): void {
    this.tf.dispose([...this.firstMoments, ...this.secondMoments]);
  }
}
