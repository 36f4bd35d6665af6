// Keras (channels-last) shape and parameter formulas for the ShapeGen layer contract,
// written independently of TF.js so the corpus generator can (a) build only valid
// stacks, (b) name the first offending layer of a rejected stack and (c) cross-check
// every oracle summary. Shapes exclude the batch axis.
'use strict';

const pair = v => Array.isArray(v) ? v : [v, v];
const prod = a => a.reduce((x, y) => x * y, 1);
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'hardSigmoid', 'swish'];
const LAYER_TYPES = ['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling1D',
  'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'ZeroPadding2D',
  'Cropping2D', 'UpSampling2D', 'Flatten', 'Reshape', 'Dense', 'Dropout', 'BatchNormalization', 'Activation', 'ReLU', 'Softmax'];

// Keras conv_output_length: valid floor((n - k')/s) + 1, same/causal ceil(n/s), k' = (k-1)d + 1.
function convLen(n, k, s, d, padding) {
  const ke = (k - 1) * d + 1;
  if (padding === 'same' || padding === 'causal') return Math.ceil(n / s);
  return Math.floor((n - ke) / s) + 1;
}
// Keras deconv_output_length (output_padding None): valid n*s + max(k - s, 0), same n*s.
function deconvLen(n, k, s, padding) { return padding === 'same' ? n * s : n * s + Math.max(k - s, 0); }
function pads4(p) { // ZeroPadding2D / Cropping2D: int | [h, w] | [[t, b], [l, r]]
  if (!Array.isArray(p)) return [[p, p], [p, p]];
  if (!Array.isArray(p[0])) return [[p[0], p[0]], [p[1], p[1]]];
  return p;
}

// -> { shape, params, trainable } or { error } (wrong input rank etc.). shape may hold dims <= 0:
// that is the "zero or negative dimension" rejection the caller checks with badDims().
function layerOut(L, inShape) {
  const s = inShape, r = s.length, bias = L.useBias !== false;
  const need = (k, what) => { if (r !== k) throw new Error(`${L.type} needs rank ${k} input (${what}), got [${s}]`); };
  switch (L.type) {
    case 'Conv1D': {
      need(2, 'steps, channels');
      const st = L.strides || 1, d = L.dilation || 1, k = L.kernel, p = L.padding || 'valid';
      return { shape: [convLen(s[0], k, st, d, p), L.filters], params: k * s[1] * L.filters + (bias ? L.filters : 0) };
    }
    case 'Conv2D': case 'DepthwiseConv2D': case 'SeparableConv2D': {
      need(3, 'h, w, c');
      const k = pair(L.kernel), st = pair(L.strides || 1), d = pair(L.dilation || 1), p = L.padding || 'valid';
      const h = convLen(s[0], k[0], st[0], d[0], p), w = convLen(s[1], k[1], st[1], d[1], p), cin = s[2];
      const m = L.depthMultiplier || 1;
      if (L.type === 'Conv2D') return { shape: [h, w, L.filters], params: k[0] * k[1] * cin * L.filters + (bias ? L.filters : 0) };
      if (L.type === 'DepthwiseConv2D') return { shape: [h, w, cin * m], params: k[0] * k[1] * cin * m + (bias ? cin * m : 0) };
      return { shape: [h, w, L.filters], params: k[0] * k[1] * cin * m + cin * m * L.filters + (bias ? L.filters : 0) };
    }
    case 'Conv2DTranspose': {
      need(3, 'h, w, c');
      const k = pair(L.kernel), st = pair(L.strides || 1), p = L.padding || 'valid';
      return { shape: [deconvLen(s[0], k[0], st[0], p), deconvLen(s[1], k[1], st[1], p), L.filters],
        params: k[0] * k[1] * s[2] * L.filters + (bias ? L.filters : 0) };
    }
    case 'MaxPooling1D': case 'AveragePooling1D': {
      need(2, 'steps, channels');
      const pool = L.pool || 2, st = L.strides || pool;
      return { shape: [convLen(s[0], pool, st, 1, L.padding || 'valid'), s[1]], params: 0 };
    }
    case 'MaxPooling2D': case 'AveragePooling2D': {
      need(3, 'h, w, c');
      const pool = pair(L.pool || 2), st = L.strides ? pair(L.strides) : pool, p = L.padding || 'valid';
      return { shape: [convLen(s[0], pool[0], st[0], 1, p), convLen(s[1], pool[1], st[1], 1, p), s[2]], params: 0 };
    }
    case 'GlobalAveragePooling2D': case 'GlobalMaxPooling2D': need(3, 'h, w, c'); return { shape: [s[2]], params: 0 };
    case 'ZeroPadding2D': { need(3, 'h, w, c'); const p = pads4(L.padding);
      return { shape: [s[0] + p[0][0] + p[0][1], s[1] + p[1][0] + p[1][1], s[2]], params: 0 }; }
    case 'Cropping2D': { need(3, 'h, w, c'); const c = pads4(L.cropping);
      return { shape: [s[0] - c[0][0] - c[0][1], s[1] - c[1][0] - c[1][1], s[2]], params: 0 }; }
    case 'UpSampling2D': { need(3, 'h, w, c'); const z = pair(L.size || 2); return { shape: [s[0] * z[0], s[1] * z[1], s[2]], params: 0 }; }
    case 'Flatten': return { shape: [prod(s)], params: 0 };
    case 'Reshape': if (prod(L.shape) !== prod(s)) throw new Error(`Reshape ${L.shape} of [${s}]`); return { shape: L.shape.slice(), params: 0 };
    case 'Dense': return { shape: [...s.slice(0, -1), L.units], params: s[r - 1] * L.units + (bias ? L.units : 0) };
    case 'BatchNormalization': return { shape: s.slice(), params: 4 * s[r - 1], trainable: 2 * s[r - 1] };
    case 'Dropout': case 'Activation': case 'ReLU': case 'Softmax': return { shape: s.slice(), params: 0 };
    default: throw new Error('unknown layer ' + L.type);
  }
}

const badDims = shape => shape.some(d => !(d >= 1));

// Walk a spec: per layer { in, shape, params, trainable }; firstBad = index of the first layer
// whose output has a dimension <= 0 (-1 if none). Throws on rank mismatches.
function walk(spec) {
  let s = spec.input.slice(); const out = []; let firstBad = -1;
  spec.layers.forEach((L, i) => {
    if (firstBad >= 0) return;
    const o = layerOut(L, s);
    if (o.trainable === undefined) o.trainable = o.params;
    out.push({ in: s, ...o });
    if (badDims(o.shape)) firstBad = i;
    s = o.shape;
  });
  return { layers: out, firstBad, output: s };
}

module.exports = { pair, prod, pads4, convLen, deconvLen, layerOut, walk, badDims, ACTIVATIONS, LAYER_TYPES };
