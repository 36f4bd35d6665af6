#!/usr/bin/env node
// Deterministic corpus generator for ShapeGen: random Keras-style layer stacks whose
// reference shapes / parameter counts come from the TF.js oracle (tools/oracle).
//
//   node tools/corpus/make-corpus.js [--no-onnx]     (see README.md)
//
// Writes tests/ShapeGen.Tests/Corpus/{Random,Rejected,Numeric}/ (replacing them) and
// uses a scratch folder (env CORPUS_WORK, default $TMPDIR/shapegen-corpus) for the
// oracle's raw output. Everything is derived from fixed seeds: re-running gives the
// same files. The oracle runs in batch mode: one node process for all candidates.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { pair, prod, layerOut, walk, badDims, ACTIVATIONS } = require('./keras-shapes');
const { specTags, requiredTags, key } = require('./features');

const ROOT = path.resolve(__dirname, '..', '..');
const ORACLE = path.join(ROOT, 'tools', 'oracle', 'oracle.js');
const OUT = path.join(ROOT, 'tests', 'ShapeGen.Tests', 'Corpus');
const WORK = process.env.CORPUS_WORK || path.join(os.tmpdir(), 'shapegen-corpus');
const N_RANDOM = 280, N_REJECTED = 64, N_NUMERIC_POOL = 260, N_NUMERIC = 40, N_NUMERIC_BATCH2 = 6;
const NUMERIC_MAX_BYTES = 60 * 1024;

// ---------------------------------------------------------------- random helpers
function mulberry(seed) {
  let a = seed >>> 0;
  return () => { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function R(seed) {
  const r = mulberry(seed);
  const o = {
    f: r,
    int: (a, b) => a + Math.floor(r() * (b - a + 1)),
    pick: arr => arr[Math.floor(r() * arr.length)],
    chance: p => r() < p,
    weighted: w => { // w: [[item, weight], ...]
      const tot = w.reduce((s, x) => s + x[1], 0); let u = r() * tot;
      for (const [it, wt] of w) { if ((u -= wt) < 0) return it; }
      return w[w.length - 1][0];
    },
  };
  return o;
}
const divisors = n => { const d = []; for (let i = 1; i <= n; i++) if (n % i === 0) d.push(i); return d; };

// ---------------------------------------------------------------- layer generators
// P: size profile. big = Random/Rejected (inputs <= 40x40x16), small = Numeric (tiny tensors).
const BIG = { maxHW: 40, minHW: 4, maxC: 16, maxF: 16, maxUnits: 16, maxK: 5, maxDim: 64, maxElems: 40 * 40 * 16, maxLen: 12, maxSeq: 40 };
const SMALL = { maxHW: 10, minHW: 3, maxC: 3, maxF: 4, maxUnits: 6, maxK: 3, maxDim: 16, maxElems: 300, maxLen: 8, maxSeq: 14 };

function act(r, p = 0.65) { return r.chance(p) ? r.pick(ACTIVATIONS) : undefined; }
function withOpts(L, r) { // activation / useBias on layers that have them
  const a = act(r); if (a !== undefined) L.activation = a;
  if (r.chance(0.2)) L.useBias = false;
  return L;
}
function padding(r, modes = ['valid', 'same']) { const x = r.f(); return x < 0.25 ? undefined : modes[Math.floor((x - 0.25) / 0.75 * modes.length)]; }
function kernel2(r, P) { return r.chance(0.6) ? r.int(1, P.maxK) : [r.int(1, P.maxK), r.int(1, P.maxK)]; }
function strides2(r, maxS = 3) {
  const x = r.f();
  if (x < 0.45) return undefined;
  if (x < 0.7) return r.int(1, maxS);
  return [r.int(1, maxS), r.int(1, maxS)];
}
const maxOf = v => v === undefined ? 1 : Array.isArray(v) ? Math.max(...v) : v;
function dilation2(r, st) {
  if (maxOf(st) > 1 || !r.chance(0.3)) return undefined;    // never dilation with a stride > 1 (invalid in Keras)
  return r.chance(0.6) ? r.int(2, 3) : [r.int(1, 3), r.int(1, 3)];
}
function clean(L) { for (const k of Object.keys(L)) if (L[k] === undefined) delete L[k]; return L; }

const GEN = {
  Conv2D: (r, s, P) => { const st = strides2(r); return withOpts({ type: 'Conv2D', filters: r.int(1, P.maxF), kernel: kernel2(r, P), strides: st,
    padding: padding(r), dilation: dilation2(r, st) }, r); },
  Conv2DTranspose: (r, s, P) => withOpts({ type: 'Conv2DTranspose', filters: r.int(1, P.maxF), kernel: kernel2(r, P), strides: strides2(r),
    padding: padding(r) }, r),
  DepthwiseConv2D: (r, s, P) => withOpts({ type: 'DepthwiseConv2D', kernel: kernel2(r, P), strides: strides2(r), padding: padding(r),
    depthMultiplier: r.chance(0.25) ? undefined : r.int(1, 3) }, r),
  SeparableConv2D: (r, s, P) => withOpts({ type: 'SeparableConv2D', filters: r.int(1, P.maxF), kernel: kernel2(r, P), strides: strides2(r),
    padding: padding(r), depthMultiplier: r.chance(0.25) ? undefined : r.int(1, 3) }, r),
  MaxPooling2D: (r, s, P) => pool2('MaxPooling2D', r),
  AveragePooling2D: (r, s, P) => pool2('AveragePooling2D', r),
  GlobalAveragePooling2D: () => ({ type: 'GlobalAveragePooling2D' }),
  GlobalMaxPooling2D: () => ({ type: 'GlobalMaxPooling2D' }),
  ZeroPadding2D: (r) => ({ type: 'ZeroPadding2D', padding: padForm(r, 0, 3) }),
  Cropping2D: (r, s) => ({ type: 'Cropping2D', cropping: padForm(r, 0, Math.min(4, Math.floor((Math.min(s[0], s[1]) - 1) / 2))) }),
  UpSampling2D: (r) => { const x = r.f(); return clean({ type: 'UpSampling2D', size: x < 0.2 ? undefined : x < 0.55 ? r.int(1, 3) : [r.int(1, 3), r.int(1, 3)] }); },
  Conv1D: (r, s, P) => {
    const st = r.chance(0.5) ? undefined : r.int(1, 3);
    const d = st > 1 || !r.chance(0.35) ? undefined : r.int(2, 4);
    return withOpts({ type: 'Conv1D', filters: r.int(1, P.maxF), kernel: r.int(1, P.maxK + 2), strides: st,
      padding: padding(r, ['valid', 'same', 'causal']), dilation: d }, r);
  },
  MaxPooling1D: (r) => pool1('MaxPooling1D', r),
  AveragePooling1D: (r) => pool1('AveragePooling1D', r),
  Dense: (r, s, P) => withOpts({ type: 'Dense', units: r.int(1, P.maxUnits) }, r),
  Dropout: (r) => ({ type: 'Dropout', rate: r.chance(0.15) ? 0 : r.pick([0.1, 0.2, 0.25, 0.5, 0.75, 0.9]) }),
  BatchNormalization: (r) => { const x = r.f();
    return clean({ type: 'BatchNormalization', epsilon: x < 0.45 ? undefined : x < 0.55 ? 1e-3 : r.pick([1e-5, 1e-4, 0.01, 0.1, 0.5]) }); },
  Activation: (r) => ({ type: 'Activation', activation: r.pick(ACTIVATIONS) }),
  ReLU: () => ({ type: 'ReLU' }),
  Softmax: () => ({ type: 'Softmax' }),
  Flatten: () => ({ type: 'Flatten' }),
  Reshape: (r, s, P, toRank) => ({ type: 'Reshape', shape: reshapeTarget(r, prod(s), toRank || r.int(1, 3), P) }),
};
function pool2(type, r) {
  const x = r.f();
  const pool = x < 0.2 ? undefined : x < 0.65 ? r.int(1, 4) : [r.int(1, 4), r.int(1, 4)];
  return clean({ type, pool, strides: strides2(r), padding: padding(r) });
}
function pool1(type, r) {
  return clean({ type, pool: r.chance(0.2) ? undefined : r.int(1, 5), strides: r.chance(0.45) ? undefined : r.int(1, 4), padding: padding(r) });
}
function padForm(r, lo, hi) {
  const v = () => r.int(lo, hi), x = r.f();
  return x < 0.33 ? v() : x < 0.66 ? [v(), v()] : [[v(), v()], [v(), v()]];
}
function reshapeTarget(r, n, rank, P) {
  if (rank === 1) return [n];
  if (rank === 2) { const ds = divisors(n).filter(d => d <= P.maxDim && n / d <= P.maxDim * 4); const a = ds.length ? r.pick(ds) : 1; return [a, n / a]; }
  const ds = divisors(n).filter(d => d <= P.maxDim);
  const a = r.pick(ds), ds2 = divisors(n / a).filter(d => d <= P.maxDim), b = r.pick(ds2);
  return [a, b, n / a / b];
}

// the types that may follow an output of a given rank, with weights (per family)
const W = {
  image: { 3: [['Conv2D', 5], ['Conv2DTranspose', 1.6], ['DepthwiseConv2D', 1.8], ['SeparableConv2D', 1.8], ['MaxPooling2D', 1.8],
    ['AveragePooling2D', 1.8], ['ZeroPadding2D', 1.3], ['Cropping2D', 1.3], ['UpSampling2D', 1.1], ['Dense', 0.5], ['Dropout', 0.6],
    ['BatchNormalization', 0.9], ['Activation', 1.2], ['ReLU', 0.5], ['Softmax', 0.25]] },
  seq: { 2: [['Conv1D', 5], ['MaxPooling1D', 2], ['AveragePooling1D', 2], ['Dense', 0.8], ['Dropout', 0.6], ['BatchNormalization', 0.8],
    ['Activation', 1.2], ['ReLU', 0.5], ['Softmax', 0.25]] },
  vec: { 1: [['Dense', 4], ['Dropout', 0.8], ['BatchNormalization', 0.8], ['Activation', 1.5], ['ReLU', 0.5], ['Softmax', 0.6]] },
};
W.dense = { 3: W.image[3].map(([t, w]) => [t, t === 'Dense' ? 4 : t === 'Conv2D' ? 3 : w * 0.6]) };
const HEADS = { 3: [['Flatten', 3], ['GlobalAveragePooling2D', 2], ['GlobalMaxPooling2D', 2], ['Reshape', 1]], 2: [['Flatten', 3], ['Reshape', 1]] };

function okShape(shape, P) { return !badDims(shape) && shape.every(d => d <= (shape.length === 1 ? P.maxElems : P.maxDim)) && prod(shape) <= P.maxElems; }

// try to add one layer of a type drawn from `weights`; returns the new shape or null
function addLayer(r, layers, s, weights, P, forceType, toRank) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const type = forceType || r.weighted(weights);
    const L = clean(GEN[type](r, s, P, toRank));
    let o; try { o = layerOut(L, s); } catch (e) { continue; }
    if (!okShape(o.shape, P)) continue;
    if (type === 'Reshape' && toRank === 3 && Math.min(o.shape[0], o.shape[1]) < 2) continue;
    layers.push(L); return o.shape;
  }
  return null;
}
function weightsFor(rank, fam) {
  if (rank === 3) return (fam === 'dense' ? W.dense : W.image)[3];
  if (rank === 2) return W.seq[2];
  return W.vec[1];
}

// families: image | seq | dense (Dense on feature maps) | reshape (crosses ranks via Reshape)
function genStack(r, fam, P) {
  let input;
  const hw = () => r.int(P.minHW, P.maxHW);
  if (fam === 'seq') input = [r.int(P.minHW, P.maxSeq), r.int(1, P.maxC)];
  else if (fam === 'reshape') {
    const x = r.f();
    input = x < 0.34 ? [r.pick([8, 12, 16, 18, 24, 27, 32, 36, 40].filter(n => n <= P.maxElems / 2 && n <= P.maxDim * 4))]
      : x < 0.67 ? [hw(), hw(), r.int(1, P.maxC)] : [r.int(P.minHW, P.maxSeq), r.int(1, P.maxC)];
  } else {
    const sq = r.chance(0.5), h = hw();
    input = [h, sq ? h : hw(), r.pick([1, 1, 2, 3, r.int(1, P.maxC)])];
  }
  const len = r.int(3, P.maxLen), layers = [];
  const head = fam !== 'reshape' && r.chance(0.55);
  let s = input.slice(), transitioned = false;
  while (layers.length < len) {
    const left = len - layers.length;
    let ns = null;
    if (fam === 'reshape' && !transitioned && layers.length >= Math.min(2, len - 2) ) {
      // cross ranks: 1 -> 3 (Dense to a h*w*c vector, Reshape), 3 -> 2, 2 -> 3, 3 -> 1
      transitioned = true;
      const to = s.length === 1 ? r.pick([2, 3]) : s.length === 2 ? r.pick([1, 3]) : r.pick([1, 2]);
      if (s.length === 1 && to === 3 && divisors(s[0]).length < 4 && layers.length < len - 1) { // make room: Dense to a composite size
        const units = r.pick([12, 16, 18, 24, 27, 32, 36].filter(u => u <= P.maxElems));
        layers.push(withOpts({ type: 'Dense', units }, r)); s = [units];
      }
      ns = addLayer(r, layers, s, null, P, 'Reshape', to);
    } else if (head && left <= 3 && s.length > 1) {
      ns = addLayer(r, layers, s, HEADS[s.length], P);
    } else {
      ns = addLayer(r, layers, s, weightsFor(s.length, fam), P);
    }
    if (!ns) ns = addLayer(r, layers, s, weightsFor(s.length, fam), P);
    if (!ns) break;
    s = ns;
  }
  if (layers.length < 3) return null;
  return { input, layers };
}

// ---------------------------------------------------------------- rejected stacks
// A valid prefix, then one layer whose Keras output has a dimension <= 0, then a few
// more layers. Mostly "negative" (k' >= n + s + 1, crop > n), which Keras and TF.js
// reject; some "zero" outputs, which TF.js accepts (those are dropped, and counted).
function genRejected(r, i) {
  const P = BIG;
  for (let tries = 0; tries < 50; tries++) {
    const fam = r.pick(['image', 'image', 'seq', 'reshape']);
    const st = genStack(r, fam, { ...P, maxLen: 7 });
    if (!st) continue;
    let layers = st.layers.slice(0, r.int(0, Math.min(6, st.layers.length)));
    let s = walk({ input: st.input, layers }).output;
    if (s.length === 1) continue;
    const zero = r.chance(0.15);
    const bad = badLayer(r, s, zero);
    if (!bad) continue;
    layers.push(bad);
    const badIndex = layers.length - 1;
    const tail = r.int(0, 3);
    if (tail) layers.push({ type: 'Flatten' }); // (TF.js, unlike Keras, refuses Flatten on a rank-1 input: only one)
    for (let k = 1; k < tail; k++) layers.push(r.pick([{ type: 'ReLU' }, { type: 'Dropout', rate: 0.5 }, { type: 'Activation', activation: r.pick(ACTIVATIONS) }]));
    if (tail) layers.push({ type: 'Dense', units: r.int(1, 8) });
    const w = walk({ input: st.input, layers });
    if (w.firstBad !== badIndex) continue;
    return { input: st.input, layers, zero };
  }
  return null;
}
function badLen(r, n, zero, s = 1) { return zero ? n + 1 : n + s + 1 + r.int(0, 2); } // effective window k'
function badLayer(r, s, zero) {
  if (s.length === 2) {
    const n = s[0], kind = r.pick(['conv', 'dil', 'maxpool', 'avgpool']);
    if (kind === 'conv' || kind === 'dil') {
      const st = kind === 'dil' ? 1 : r.pick([1, 1, 2, 3]);
      const ke = badLen(r, n, zero, st);
      if (kind === 'dil') { const d = r.int(2, 4), k = Math.ceil((ke - 1) / d) + 1; return withOpts(clean({ type: 'Conv1D', filters: r.int(1, 8), kernel: k, dilation: d, padding: r.pick([undefined, 'valid']) }), r); }
      return withOpts(clean({ type: 'Conv1D', filters: r.int(1, 8), kernel: ke, strides: st > 1 ? st : undefined, padding: r.pick([undefined, 'valid']) }), r);
    }
    const st = r.int(1, 3), p = badLen(r, n, zero, st);
    return clean({ type: kind === 'maxpool' ? 'MaxPooling1D' : 'AveragePooling1D', pool: p, strides: st, padding: r.pick([undefined, 'valid']) });
  }
  const kind = r.pick(['Conv2D', 'Conv2D', 'dil', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D', 'Cropping2D', 'Cropping2D']);
  const axis = r.pick([0, 1, 2]); // 0: height bad, 1: width bad, 2: both
  const badAt = i => axis === 2 || axis === i;
  if (kind === 'Cropping2D') { // negative: crop total > n; zero: crop total = n
    const form = r.pick(['int', 'pair', 'pairs']);
    if (form === 'int') { // the smaller side decides
      const n = Math.min(s[0], s[1]);
      if (zero && n % 2) return null;
      return { type: 'Cropping2D', cropping: zero ? n / 2 : Math.floor(n / 2) + r.int(1, 2) };
    }
    if (form === 'pair') {
      const v = [0, 1].map(i => badAt(i) ? (zero ? s[i] / 2 : Math.floor(s[i] / 2) + r.int(1, 2)) : r.int(0, Math.floor((s[i] - 1) / 2)));
      if (!v.every(Number.isInteger)) return null;
      return { type: 'Cropping2D', cropping: v };
    }
    const c = [0, 1].map(i => { const n = s[i], tot = badAt(i) ? (zero ? n : n + r.int(1, 3)) : r.int(0, n - 1); const t = r.int(0, tot); return [t, tot - t]; });
    return { type: 'Cropping2D', cropping: c };
  }
  const isPool = kind.includes('Pooling');
  const st = kind === 'dil' ? [1, 1] : [r.pick([1, 1, 2, 3]), r.pick([1, 1, 2])];
  const d = kind === 'dil' ? [r.int(1, 3), r.int(1, 3)] : [1, 1];
  const k = [0, 1].map(i => {
    if (!badAt(i)) return Math.max(1, Math.min(3, s[i] - (d[i] - 1) * 2));
    const ke = badLen(r, s[i], zero, st[i]);
    return Math.ceil((ke - 1) / d[i]) + 1;
  }).map((k, i) => badAt(i) ? k : Math.max(1, Math.min(k, Math.floor((s[i] - 1) / d[i]) + 1)));
  const kk = k[0] === k[1] && r.chance(0.5) ? k[0] : k, ss = st[0] === st[1] ? (st[0] === 1 && r.chance(0.5) ? undefined : st[0]) : st;
  const pad = r.pick([undefined, 'valid']);
  if (isPool) return clean({ type: kind, pool: kk, strides: ss || 1, padding: pad });
  if (kind === 'dil') return withOpts(clean({ type: 'Conv2D', filters: r.int(1, 8), kernel: kk, dilation: d[0] === d[1] ? d[0] : d, padding: pad }), r);
  const L = { type: kind, kernel: kk, strides: ss, padding: pad };
  if (kind !== 'DepthwiseConv2D') L.filters = r.int(1, 8); else L.depthMultiplier = r.pick([undefined, 1, 2]);
  if (kind === 'SeparableConv2D') L.depthMultiplier = r.pick([undefined, 1, 2, 3]);
  return withOpts(clean(L), r);
}

// ---------------------------------------------------------------- output helpers
function fmt(v, ind = '') { // compact JSON: one line per layer
  if (Array.isArray(v) && v.length && v.every(x => x && typeof x === 'object' && !Array.isArray(x)))
    return '[\n' + v.map(x => ind + '  ' + JSON.stringify(x)).join(',\n') + '\n' + ind + ']';
  if (v && typeof v === 'object' && !Array.isArray(v) && ind.length <= 2)
    return '{\n' + Object.entries(v).map(([k, x]) => ind + '  ' + JSON.stringify(k) + ': ' + fmt(x, ind + '  ')).join(',\n') + '\n' + ind + '}';
  return JSON.stringify(v);
}
const writeJson = (file, obj) => fs.writeFileSync(file, fmt(obj) + '\n');
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const pad3 = i => String(i).padStart(3, '0');
function rmrf(p) { fs.rmSync(p, { recursive: true, force: true }); }
const ONNX_FLAG = process.argv.includes('--no-onnx') ? ['--no-onnx'] : []; // skip the ONNX Runtime cross-check
function runOracle(specsDir, outDir) {
  const log = execFileSync(process.execPath, [ORACLE, '--batch', specsDir, outDir, ...ONNX_FLAG], { encoding: 'utf8', maxBuffer: 1 << 28 });
  fs.writeFileSync(outDir + '.log', log);
  return log;
}
function orderedSpec(name, seed, st, batch) { // keep a stable key order in the spec files
  const s = { name, input: st.input, seed };
  if (batch) s.batch = batch;
  s.layers = st.layers;
  return s;
}

// A Numeric case should test the forward pass: no softmax over a single channel (constant 1),
// and an output with several elements that are not (mostly) equal.
function informative(spec, dir) {
  const w = walk(spec);
  if (spec.layers.some((L, i) => (L.type === 'Softmax' || L.activation === 'softmax') && w.layers[i].shape[w.layers[i].shape.length - 1] === 1)) return false;
  const b = fs.readFileSync(path.join(dir, 'output.bin')), y = new Float32Array(b.buffer, b.byteOffset, b.length / 4);
  const distinct = new Set(Array.from(y, v => v.toPrecision(6))).size;
  return y.length >= 3 && y.every(Number.isFinite) && distinct >= Math.max(3, Math.ceil(0.3 * y.length));
}

// cross-check an oracle summary against the Keras formulas; returns a list of differences
function crossCheck(spec, summary) {
  const w = walk(spec), diffs = [];
  if (summary.layers.length !== spec.layers.length) return ['layer count'];
  const count = {};
  summary.layers.forEach((l, i) => {
    const e = w.layers[i], L = spec.layers[i];
    count[L.type] = (count[L.type] || 0) + 1;
    if (l.type !== L.type) diffs.push(`${i}: type ${l.type} vs ${L.type}`);
    if (!l.name.endsWith('_' + L.type + count[L.type])) diffs.push(`${i}: name ${l.name}`);
    if (JSON.stringify(l.outputShape) !== JSON.stringify(e.shape)) diffs.push(`${i} ${L.type}: shape ${JSON.stringify(l.outputShape)} vs Keras ${JSON.stringify(e.shape)}`);
    if (l.params !== e.params) diffs.push(`${i} ${L.type}: params ${l.params} vs Keras ${e.params}`);
    if (l.trainable !== e.trainable) diffs.push(`${i} ${L.type}: trainable ${l.trainable} vs Keras ${e.trainable}`);
  });
  const tot = w.layers.reduce((a, l) => a + l.params, 0), tr = w.layers.reduce((a, l) => a + l.trainable, 0);
  if (summary.totalParams !== tot || summary.trainableParams !== tr) diffs.push('totals');
  if (JSON.stringify(summary.outputShape) !== JSON.stringify(w.output)) diffs.push('output shape');
  return diffs;
}

// ---------------------------------------------------------------- main
function main() {
  const t0 = Date.now();
  rmrf(WORK); fs.mkdirSync(WORK, { recursive: true });
  const specsDir = path.join(WORK, 'specs'); fs.mkdirSync(specsDir);
  const fams = ['image', 'image', 'seq', 'dense', 'reshape', 'image', 'seq', 'reshape'];

  // 1. candidates
  const random = [], rejected = [], pool = [];
  for (let i = 0; random.length < N_RANDOM; i++) {
    const r = R(0x5EED0000 + i), fam = fams[i % fams.length], st = genStack(r, fam, BIG);
    if (!st) continue;
    const name = 'Stack' + pad3(random.length), spec = orderedSpec(name, 1000 + random.length, st);
    random.push({ name, fam, spec }); writeJson(path.join(specsDir, 'R_' + name + '.json'), spec);
  }
  for (let i = 0; rejected.length < N_REJECTED; i++) {
    const r = R(0xBAD00000 + i), st = genRejected(r, i);
    if (!st) continue;
    const name = 'Cand' + pad3(rejected.length), spec = orderedSpec(name, 3000 + rejected.length, st);
    rejected.push({ name, spec, zero: st.zero, expectedErrorLayer: walk(spec).firstBad });
    writeJson(path.join(specsDir, 'X_' + name + '.json'), spec);
  }
  for (let i = 0; pool.length < N_NUMERIC_POOL; i++) {
    const r = R(0x0A110000 + i), fam = fams[i % fams.length], st = genStack(r, fam, SMALL);
    if (!st) continue;
    const name = 'Pool' + pad3(pool.length), spec = orderedSpec(name, 5000 + pool.length, st);
    pool.push({ name, fam, spec }); writeJson(path.join(specsDir, 'N_' + name + '.json'), spec);
  }

  // 2. one oracle process for all candidates (with the ONNX Runtime cross-check)
  const outDir = path.join(WORK, 'out');
  runOracle(specsDir, outDir);
  const res = f => { const d = path.join(outDir, f); return { dir: d, summary: readJson(path.join(d, 'summary.json')),
    onnxError: fs.existsSync(path.join(d, 'onnx_error.txt')) ? fs.readFileSync(path.join(d, 'onnx_error.txt'), 'utf8').trim() : null }; };
  const report = { randomRejectedByTfjs: [], crossCheckDiffs: [], onnxFailures: [], rejectedDropped: [], zeroDimAcceptedByTfjs: 0 };

  // 3. Random/
  rmrf(OUT); for (const d of ['Random', 'Rejected', 'Numeric']) fs.mkdirSync(path.join(OUT, d), { recursive: true });
  let nRandom = 0;
  for (const c of random) {
    const o = res('R_' + c.name);
    if (o.summary.error) { report.randomRejectedByTfjs.push(`${c.name}: ${o.summary.error}`); continue; }
    const diffs = crossCheck(c.spec, o.summary);
    if (diffs.length) { report.crossCheckDiffs.push(`${c.name}: ${diffs.join('; ')}`); continue; }
    if (o.onnxError) report.onnxFailures.push(`${c.name}: ${o.onnxError}`);
    writeJson(path.join(OUT, 'Random', c.name + '.json'), { spec: c.spec, summary: o.summary });
    nRandom++;
  }

  // 4. Rejected/: TF.js must reject, at the layer the formulas name
  let nRej = 0;
  for (const c of rejected) {
    const o = res('X_' + c.name), err = o.summary.error;
    const count = {}; const names = c.spec.layers.map(L => { count[L.type] = (count[L.type] || 0) + 1; return '_' + L.type + count[L.type]; });
    const m = err && /adding layer (\S+) with/.exec(err);
    const tfjsLayer = m ? names.findIndex(n => m[1].endsWith(n)) : -1;
    if (c.zero && (!err || tfjsLayer !== c.expectedErrorLayer)) report.zeroDimAcceptedByTfjs++;
    if (!err) { report.rejectedDropped.push(`${c.name} (${c.zero ? 'zero' : 'negative'} dim at layer ${c.expectedErrorLayer}): TF.js accepted it`); continue; }
    if (tfjsLayer !== c.expectedErrorLayer) { report.rejectedDropped.push(`${c.name}: TF.js rejected layer ${tfjsLayer}, formulas say ${c.expectedErrorLayer}: ${err}`); continue; }
    const name = 'Reject' + pad3(nRej++);
    const spec = { ...c.spec, name };
    writeJson(path.join(OUT, 'Rejected', name + '.json'), { spec, error: err, expectedErrorLayer: c.expectedErrorLayer });
  }

  // 5. Numeric/: greedy choice from the small pool so that every layer type, activation and option is run
  const ok = pool.filter(c => { const o = res('N_' + c.name);
    if (o.summary.error || o.onnxError || crossCheck(c.spec, o.summary).length) return false;
    const bytes = ['summary.json', 'weights.bin', 'input.bin', 'output.bin'].reduce((a, f) => a + fs.statSync(path.join(o.dir, f)).size, 0);
    c.bytes = bytes + JSON.stringify(c.spec, null, 1).length;
    return c.bytes < NUMERIC_MAX_BYTES / 2 && informative(c.spec, o.dir); });
  const tagsOf = c => { const t = new Set(specTags(c.spec).map(key));
    for (const L of c.spec.layers) if (L.activation) t.add('(any layer) | activation=' + L.activation);
    return t; };
  const req = new Set(requiredTags().map(key));
  for (const a of ACTIVATIONS) req.add('(any layer) | activation=' + a);
  const chosen = [], covered = new Map();
  while (chosen.length < N_NUMERIC) {
    let best = null, bestScore = -1;
    for (const c of ok) {
      if (chosen.includes(c)) continue;
      let sc = 0; for (const t of tagsOf(c)) { const n = covered.get(t) || 0; sc += (req.has(t) ? 10 : 1) / (1 + n * 3); }
      sc -= c.bytes / 20000; // prefer small ones on ties
      if (sc > bestScore) { bestScore = sc; best = c; }
    }
    if (!best) break;
    chosen.push(best); for (const t of tagsOf(best)) covered.set(t, (covered.get(t) || 0) + 1);
  }
  report.numericUncovered = [...req].filter(t => !covered.has(t));
  // re-run the chosen ones under their final names (a few with batch 2) straight into a clean folder
  const numSpecs = path.join(WORK, 'numeric-specs'); fs.mkdirSync(numSpecs);
  const bySize = chosen.slice().sort((a, b) => a.bytes - b.bytes).slice(0, N_NUMERIC_BATCH2 * 2).filter((_, i) => i % 2 === 0);
  chosen.forEach((c, i) => {
    const name = 'Net' + pad3(i);
    c.final = orderedSpec(name, c.spec.seed, { input: c.spec.input, layers: c.spec.layers }, bySize.includes(c) ? 2 : undefined);
    fs.writeFileSync(path.join(numSpecs, name + '.json'), JSON.stringify(c.final, null, 1) + '\n');
  });
  const numOut = path.join(WORK, 'numeric-out');
  runOracle(numSpecs, numOut);
  let nNum = 0;
  for (const c of chosen) {
    const name = c.final.name, src = path.join(numOut, name), dst = path.join(OUT, 'Numeric', name);
    const summary = readJson(path.join(src, 'summary.json'));
    if (summary.error || fs.existsSync(path.join(src, 'onnx_error.txt')) || crossCheck(c.final, summary).length) { report.onnxFailures.push(`numeric ${name} failed`); continue; }
    fs.mkdirSync(dst);
    fs.copyFileSync(path.join(numSpecs, name + '.json'), path.join(dst, 'spec.json'));
    for (const f of ['summary.json', 'weights.bin', 'input.bin', 'output.bin']) fs.copyFileSync(path.join(src, f), path.join(dst, f));
    const bytes = fs.readdirSync(dst).reduce((a, f) => a + fs.statSync(path.join(dst, f)).size, 0);
    if (bytes >= NUMERIC_MAX_BYTES) throw new Error(`${name}: ${bytes} bytes`);
    nNum++;
  }

  fs.writeFileSync(path.join(WORK, 'report.json'), JSON.stringify(report, null, 1));
  console.log(`Random: ${nRandom} valid of ${random.length} candidates (${report.randomRejectedByTfjs.length} rejected by TF.js, ${report.crossCheckDiffs.length} differing from the Keras formulas)`);
  console.log(`Rejected: ${nRej} of ${rejected.length} candidates (${report.rejectedDropped.length} dropped, ${report.zeroDimAcceptedByTfjs} of them zero-size outputs TF.js accepts)`);
  console.log(`Numeric: ${nNum} (${chosen.filter(c => c.final.batch).length} with batch 2), numeric tags not covered: ${report.numericUncovered.length ? report.numericUncovered.join(', ') : 'none'}`);
  console.log(`ONNX Runtime cross-check failures: ${report.onnxFailures.length}`);
  for (const k of ['randomRejectedByTfjs', 'crossCheckDiffs', 'onnxFailures', 'rejectedDropped']) for (const x of report[k]) console.log(`  ${k}: ${x}`);
  console.log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s; scratch output in ${WORK}`);
}
main();
