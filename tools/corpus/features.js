// Feature tags of a spec (which layer types and options it exercises); used by
// make-corpus.js to choose the Numeric set and by coverage.js for the table.
'use strict';
const { pair, pads4, walk, ACTIVATIONS, LAYER_TYPES } = require('./keras-shapes');

const PADDED = new Set(['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D',
  'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D']);
const ACTIVATED = new Set(['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']);
const BIASED = ACTIVATED;
const WINDOWED = new Set(['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D',
  'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D']);

const form = v => !Array.isArray(v) ? 'int' : Array.isArray(v[0]) ? '[[t,b],[l,r]]' : '[h,w]';

// -> array of [type, option] tags, one per layer and option (repeats allowed)
function layerTags(L, inShape) {
  const t = L.type, tags = [[t, '(any)']];
  const tag = o => tags.push([t, o]);
  const is1D = t.endsWith('1D');
  if (PADDED.has(t)) tag('padding=' + (L.padding || 'valid') + (L.padding ? '' : ' (omitted)'));
  if (ACTIVATED.has(t)) tag('activation=' + (L.activation || 'linear') + (L.activation ? '' : ' (omitted)'));
  if (BIASED.has(t) && L.useBias === false) tag('useBias=false');
  if (t === 'Activation') tag('activation=' + L.activation);
  if (['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D'].includes(t)) {
    if (Array.isArray(L.kernel)) tag(L.kernel[0] !== L.kernel[1] ? 'kernel [kh,kw] rectangular' : 'kernel [k,k] array form');
  }
  if (['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D'].includes(t) || t.includes('Pooling') && !t.startsWith('Global')) {
    const st = L.strides;
    if (st === undefined) tag(t.includes('Pooling') ? 'strides omitted (= pool)' : 'strides omitted (1)');
    else if (Array.isArray(st)) tag(st[0] !== st[1] ? 'strides [sh,sw] rectangular' : 'strides [s,s] array form');
    if (st !== undefined && (Array.isArray(st) ? Math.max(...st) : st) > 1) tag('strides > 1');
  }
  if (t === 'Conv1D' || t === 'Conv2D') {
    const d = L.dilation;
    if (d !== undefined && (Array.isArray(d) ? Math.max(...d) : d) > 1) tag('dilation > 1');
    if (Array.isArray(d) && d[0] !== d[1]) tag('dilation [dh,dw] rectangular');
  }
  if (t === 'DepthwiseConv2D' || t === 'SeparableConv2D') tag('depthMultiplier=' + (L.depthMultiplier || 1) + (L.depthMultiplier ? '' : ' (omitted)'));
  if (t.includes('Pooling') && !t.startsWith('Global')) {
    if (L.pool === undefined) tag('pool omitted (2)');
    else if (Array.isArray(L.pool) && L.pool[0] !== L.pool[1]) tag('pool [ph,pw] rectangular');
    const pool = is1D ? [L.pool || 2] : pair(L.pool || 2);
    const st = L.strides === undefined ? pool : is1D ? [L.strides] : pair(L.strides);
    if (st.some((s, i) => s !== pool[i])) tag('strides != pool');
  }
  if (WINDOWED.has(t)) { // floor / ceil cases
    const nd = is1D ? 1 : 2;
    const k = t.includes('Pooling') ? (is1D ? [L.pool || 2] : pair(L.pool || 2)) : (is1D ? [L.kernel] : pair(L.kernel));
    const st = L.strides === undefined ? (t.includes('Pooling') ? k : new Array(nd).fill(1)) : (is1D ? [L.strides] : pair(L.strides));
    const d = is1D ? [L.dilation || 1] : pair(L.dilation || 1);
    const p = L.padding || 'valid';
    let floorCase = false, ceilCase = false;
    for (let i = 0; i < nd; i++) {
      const ke = (k[i] - 1) * d[i] + 1;
      if (p === 'valid' && (inShape[i] - ke) % st[i] !== 0) floorCase = true;
      if (p !== 'valid' && inShape[i] % st[i] !== 0) ceilCase = true;
    }
    if (floorCase) tag("valid: (n - k') % s != 0 (floors)");
    if (ceilCase) tag(p + ': n % s != 0 (ceils)');
  }
  if (t === 'Conv2DTranspose') {
    const k = pair(L.kernel), st = pair(L.strides || 1);
    if ((L.padding || 'valid') === 'valid' && k.some((x, i) => x < st[i])) tag('valid with k < s');
    if ((L.padding || 'valid') === 'valid' && k.some((x, i) => x > st[i])) tag('valid with k > s');
  }
  if (t === 'ZeroPadding2D') tag('padding form ' + form(L.padding));
  if (t === 'Cropping2D') tag('cropping form ' + form(L.cropping));
  if (t === 'ZeroPadding2D' || t === 'Cropping2D') {
    const p = pads4(t === 'ZeroPadding2D' ? L.padding : L.cropping);
    if (p[0][0] !== p[0][1] || p[1][0] !== p[1][1]) tag('asymmetric');
  }
  if (t === 'UpSampling2D') tag(L.size === undefined ? 'size omitted (2)' : !Array.isArray(L.size) ? 'size int'
    : L.size[0] !== L.size[1] ? 'size [h,w] rectangular' : 'size [s,s] array form');
  if (['Dense', 'Flatten', 'BatchNormalization', 'Softmax', 'ReLU', 'Dropout', 'Activation', 'Reshape'].includes(t))
    tag(`input rank ${inShape.length}`);
  if (t === 'Reshape') tag(`to rank ${L.shape.length}`);
  if (t === 'Dropout') tag(L.rate === 0 ? 'rate = 0' : 'rate > 0');
  if (t === 'BatchNormalization') tag(L.epsilon === undefined ? 'epsilon omitted (1e-3)' : L.epsilon === 1e-3 ? 'epsilon 1e-3 explicit' : 'epsilon non-default');
  return tags;
}

function specTags(spec) {
  const w = walk(spec), tags = [];
  spec.layers.forEach((L, i) => { if (w.layers[i]) tags.push(...layerTags(L, w.layers[i].in)); });
  tags.push(['(stack)', `input rank ${spec.input.length}`]);
  if ((spec.batch || 1) > 1) tags.push(['(stack)', 'batch > 1']);
  return tags;
}

// Tags every corpus part must cover at least once (layer types, options and activations of the contract).
function requiredTags() {
  const req = LAYER_TYPES.map(t => [t, '(any)']);
  for (const a of ACTIVATIONS) req.push(['Activation', 'activation=' + a]);
  for (const t of ['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'Dense']) req.push([t, 'useBias=false']);
  for (const t of ['Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D']) {
    req.push([t, 'padding=valid'], [t, 'padding=same'], [t, 'kernel [kh,kw] rectangular'], [t, 'strides [sh,sw] rectangular'], [t, 'strides > 1']);
  }
  req.push(['Conv1D', 'padding=valid'], ['Conv1D', 'padding=same'], ['Conv1D', 'padding=causal'], ['Conv1D', 'strides > 1'], ['Conv1D', 'dilation > 1']);
  req.push(['Conv2D', 'dilation > 1'], ['Conv2D', 'dilation [dh,dw] rectangular']);
  for (const t of ['DepthwiseConv2D', 'SeparableConv2D']) for (const m of [1, 2, 3]) req.push([t, 'depthMultiplier=' + m]);
  for (const t of ['MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D']) {
    req.push([t, 'padding=valid'], [t, 'padding=same'], [t, 'strides != pool'], [t, 'strides omitted (= pool)']);
    if (t.endsWith('2D')) req.push([t, 'pool [ph,pw] rectangular'], [t, 'strides [sh,sw] rectangular']);
  }
  for (const t of ['Conv1D', 'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling1D', 'AveragePooling1D', 'MaxPooling2D', 'AveragePooling2D'])
    req.push([t, "valid: (n - k') % s != 0 (floors)"]);
  req.push(['Conv2DTranspose', 'valid with k < s'], ['Conv2DTranspose', 'valid with k > s']);
  for (const f of ['int', '[h,w]', '[[t,b],[l,r]]']) req.push(['ZeroPadding2D', 'padding form ' + f], ['Cropping2D', 'cropping form ' + f]);
  req.push(['UpSampling2D', 'size int'], ['UpSampling2D', 'size [h,w] rectangular']);
  for (const r of [1, 2, 3]) req.push(['Dense', `input rank ${r}`]);
  for (const r of [1, 2, 3]) req.push(['Reshape', `to rank ${r}`]);
  req.push(['Dropout', 'rate > 0'], ['BatchNormalization', 'epsilon non-default'], ['Softmax', 'input rank 3'], ['Softmax', 'input rank 1']);
  return req;
}
const key = t => t[0] + ' | ' + t[1];

module.exports = { layerTags, specTags, requiredTags, key };
