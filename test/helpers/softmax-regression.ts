import * as tf from '@tensorflow/tfjs';

/** Weights of a multinomial logistic regression: W is dim x classes, row-major; b has one bias per class. */
export interface SoftmaxModel {
  w: Float32Array;
  b: Float32Array;
  dim: number;
  classes: number;
}

/**
 * Trains a multinomial logistic regression with TensorFlow.js (full-batch Adam, L2 penalty), the
 * smallest model the kernel's labs train. `init` warm-starts from earlier weights, which is what an
 * active-learning loop does between rounds.
 */
export function trainSoftmax(
  x: Float32Array,
  y: Int32Array,
  options: { dim: number; classes: number; steps: number; learningRate?: number; l2?: number; init?: SoftmaxModel },
): SoftmaxModel {
  const { dim, classes, steps } = options;
  const n = y.length;
  return tf.tidy(() => {
    const X = tf.tensor2d(x, [n, dim]);
    const Y = tf.oneHot(tf.tensor1d(y, 'int32'), classes).toFloat();
    const W = tf.variable(options.init ? tf.tensor2d(options.init.w, [dim, classes]) : tf.zeros([dim, classes]));
    const B = tf.variable(options.init ? tf.tensor1d(options.init.b) : tf.zeros([classes]));
    const optimizer = tf.train.adam(options.learningRate ?? 0.1);
    const l2 = options.l2 ?? 1e-3;
    for (let s = 0; s < steps; s++) {
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(Y, X.matMul(W).add(B)).add(W.square().sum().mul(l2)) as tf.Scalar);
    }
    const model = { w: W.dataSync() as Float32Array, b: B.dataSync() as Float32Array, dim, classes };
    W.dispose();
    B.dispose();
    optimizer.dispose();
    return model;
  });
}

/** Class probabilities, one row of `classes` per sample. */
export function predictSoftmax(model: SoftmaxModel, x: Float32Array): Float32Array {
  const n = x.length / model.dim;
  return tf.tidy(() =>
    tf.softmax(tf.tensor2d(x, [n, model.dim]).matMul(tf.tensor2d(model.w, [model.dim, model.classes])).add(tf.tensor1d(model.b))).dataSync() as Float32Array,
  );
}

/** Share of samples whose most probable class is the true one. */
export function accuracy(probabilities: Float32Array, y: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
    if (best === y[i]) correct++;
  }
  return correct / y.length;
}
