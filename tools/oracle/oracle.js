// Reference oracle: builds a network spec with TensorFlow.js (Keras semantics),
// records shapes, parameter counts, deterministic weights, an input and the
// output; exports the same network to ONNX and checks ONNX Runtime agrees.
//
// usage: node oracle.js SPEC.json OUTDIR [--no-onnx]
//        node oracle.js --batch SPECSDIR OUTROOT [--no-onnx]
//   batch mode runs every SPECSDIR/*.json (sorted) in this one process and writes
//   OUTROOT/<file name without .json>/ exactly as the single mode writes OUTDIR; a
//   spec that TF.js accepts but cannot run (predict throws) gets
//   summary.json {name, error, stage: "predict"} instead of crashing the batch, and an
//   ONNX Runtime mismatch is written to onnx_error.txt beside the kept outputs.
// Layer names: TF.js numbers default layer names with a process-wide counter per
// class; here every model's names restart at 1 per class (conv2d_Conv2D1, ...), so
// a spec gets the same names whether it runs alone or in a batch.
// Differences from stock TF.js, to follow Keras: Conv1D padding 'causal' (TF.js
// infers the 'valid' shape for it and cannot run it) is done as a left zero-pad of
// dilation*(kernel-1) followed by a 'valid' conv; the Softmax layer uses axis -1
// (TF.js defaults to axis 1, which differs from Keras for rank > 2 inputs).
// spec: { "name": "...", "input": [h,w,c], "seed": 1, "batch": 1,
//         "layers": [ {"type":"Conv2D","filters":32,"kernel":3,"strides":1,
//                      "padding":"valid","activation":"relu","useBias":true}, ...] }
const fs = require('fs');
const path = require('path');
const origLog = console.log, origWarn = console.warn; console.log = console.warn = () => {};
const tf = require('@tensorflow/tfjs');
console.log = origLog;

function rng(seed) {
  let a = seed >>> 0;
  return () => { a |= 0; a = (a + 0x6D2B79F5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
const pair = v => Array.isArray(v) ? v : [v, v];

// Keras Conv1D(padding='causal'): output length ceil(n/s); left-pad dilation*(k-1) zeros, then 'valid'.
let CausalConv1D = null;
function causalConv1d(args) {
  if (!CausalConv1D) {
    const Conv1DClass = Object.getPrototypeOf(tf.layers.conv1d({ filters: 1, kernelSize: 1, name: 'causal_probe' })).constructor;
    CausalConv1D = class extends Conv1DClass { // static className stays 'Conv1D'
      constructor(a) { super({ ...a, padding: 'valid' }); this.causalPad = (this.kernelSize[0] - 1) * this.dilationRate[0]; }
      computeOutputShape(inputShape) {
        const s = Array.isArray(inputShape[0]) ? inputShape[0] : inputShape;
        return super.computeOutputShape([s[0], s[1] == null ? null : s[1] + this.causalPad, s[2]]);
      }
      call(inputs, kwargs) {
        return tf.tidy(() => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          return super.call(tf.pad(x, [[0, 0], [this.causalPad, 0], [0, 0]]), kwargs);
        });
      }
      getConfig() { return { ...super.getConfig(), padding: 'causal' }; }
    };
  }
  return new CausalConv1D(args);
}

// Per-model default names: '<snake>_<Class><n>' with n counted per class from 1 within one model.
let nameCounters = {};
function nameLayer(layer, L) {
  if (L.name) return layer;
  const cls = layer.getClassName();
  nameCounters[cls] = (nameCounters[cls] || 0) + 1;
  layer.name = layer.name.replace(/\d+$/, '') + nameCounters[cls];
  return layer;
}

function kerasLayer(L, first, inputShape) { return nameLayer(makeLayer(L, first, inputShape), L); }

function makeLayer(L, first, inputShape) {
  const common = first ? { inputShape } : {};
  if (L.name) common.name = L.name;
  const act = L.activation || 'linear';
  switch (L.type) {
    case 'Conv1D': return (L.padding === 'causal' ? causalConv1d : tf.layers.conv1d)({ ...common, filters: L.filters, kernelSize: L.kernel, strides: L.strides || 1,
      padding: L.padding || 'valid', dilationRate: L.dilation || 1, activation: act, useBias: L.useBias !== false });
    case 'Conv2D': return tf.layers.conv2d({ ...common, filters: L.filters, kernelSize: pair(L.kernel), strides: pair(L.strides || 1),
      padding: L.padding || 'valid', dilationRate: pair(L.dilation || 1), activation: act, useBias: L.useBias !== false });
    case 'Conv2DTranspose': return tf.layers.conv2dTranspose({ ...common, filters: L.filters, kernelSize: pair(L.kernel),
      strides: pair(L.strides || 1), padding: L.padding || 'valid', activation: act, useBias: L.useBias !== false });
    case 'DepthwiseConv2D': return tf.layers.depthwiseConv2d({ ...common, kernelSize: pair(L.kernel), strides: pair(L.strides || 1),
      depthMultiplier: L.depthMultiplier || 1, padding: L.padding || 'valid', activation: act, useBias: L.useBias !== false });
    case 'SeparableConv2D': return tf.layers.separableConv2d({ ...common, filters: L.filters, kernelSize: pair(L.kernel),
      strides: pair(L.strides || 1), depthMultiplier: L.depthMultiplier || 1, padding: L.padding || 'valid', activation: act,
      useBias: L.useBias !== false });
    case 'MaxPooling2D': return tf.layers.maxPooling2d({ ...common, poolSize: pair(L.pool || 2),
      strides: L.strides ? pair(L.strides) : null, padding: L.padding || 'valid' });
    case 'AveragePooling2D': return tf.layers.averagePooling2d({ ...common, poolSize: pair(L.pool || 2),
      strides: L.strides ? pair(L.strides) : null, padding: L.padding || 'valid' });
    case 'MaxPooling1D': return tf.layers.maxPooling1d({ ...common, poolSize: L.pool || 2, strides: L.strides || null, padding: L.padding || 'valid' });
    case 'AveragePooling1D': return tf.layers.averagePooling1d({ ...common, poolSize: L.pool || 2, strides: L.strides || null, padding: L.padding || 'valid' });
    case 'GlobalAveragePooling2D': return tf.layers.globalAveragePooling2d({ ...common });
    case 'GlobalMaxPooling2D': return tf.layers.globalMaxPooling2d({ ...common });
    case 'ZeroPadding2D': return tf.layers.zeroPadding2d({ ...common, padding: L.padding });
    case 'Cropping2D': return tf.layers.cropping2D({ ...common, cropping: L.cropping });
    case 'UpSampling2D': return tf.layers.upSampling2d({ ...common, size: pair(L.size || 2) });
    case 'Flatten': return tf.layers.flatten({ ...common });
    case 'Dense': return tf.layers.dense({ ...common, units: L.units, activation: act, useBias: L.useBias !== false });
    case 'Dropout': return tf.layers.dropout({ ...common, rate: L.rate });
    case 'BatchNormalization': return tf.layers.batchNormalization({ ...common, epsilon: L.epsilon ?? 1e-3 });
    case 'Activation': return tf.layers.activation({ ...common, activation: L.activation });
    case 'ReLU': return tf.layers.reLU({ ...common });
    case 'Softmax': return tf.layers.softmax({ ...common, axis: -1 });
    case 'Reshape': return tf.layers.reshape({ ...common, targetShape: L.shape });
    case 'Add': return tf.layers.add({ ...common });
    case 'Concatenate': return tf.layers.concatenate({ ...common, axis: -1 });
    default: throw new Error('oracle: unknown layer type ' + L.type);
  }
}

// A stack by default; with "graph": true, each layer may name its "inputs" (default: the previous layer,
// "input" is the model input) and Add/Concatenate merge them, as in the Keras functional API.
function build(spec) {
  nameCounters = {};
  if (!spec.graph) {
    const m = tf.sequential();
    spec.layers.forEach((L, i) => m.add(kerasLayer(L, i === 0, spec.input)));
    return m;
  }
  const input = tf.input({ shape: spec.input, name: 'input' });
  const t = { input }; let prev = 'input';
  for (const L of spec.layers) {
    const srcs = (L.inputs || [prev]).map(n => { if (!t[n]) throw new Error(`unknown input ${n}`); return t[n]; });
    t[L.name] = kerasLayer(L, false).apply(srcs.length === 1 ? srcs[0] : srcs);
    prev = L.name;
  }
  return tf.model({ inputs: input, outputs: t[prev], name: spec.name });
}

function summarize(m) {
  return m.layers.filter(l => l.getClassName() !== 'InputLayer').map(l => {
    const trainable = l.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
    const params = l.countParams();
    const inbound = (l.inboundNodes[0] && l.inboundNodes[0].inboundLayers || []).map(x => x.name);
    return { name: l.name, type: l.getClassName(), outputShape: l.outputShape.slice(1), params, trainable, inbound };
  });
}

// Keras-style initial weights, deterministic: kernels ~ U(-a, a) with a = sqrt(6/(fanIn+fanOut)).
function setWeights(m, rand) {
  for (const l of m.layers) {
    const ws = l.getWeights(); if (!ws.length) continue;
    const names = l.weights.map(w => w.originalName || w.name);
    const vals = ws.map((w, i) => {
      const n = w.size, a = new Float32Array(n), name = names[i];
      const sh = w.shape;
      if (/moving_variance/.test(name)) for (let j = 0; j < n; j++) a[j] = 0.5 + rand();
      else if (/gamma/.test(name)) for (let j = 0; j < n; j++) a[j] = 0.75 + 0.5 * rand();
      else if (sh.length === 1) for (let j = 0; j < n; j++) a[j] = 0.2 * (rand() - 0.5);
      else {
        const rf = sh.slice(0, -2).reduce((x, y) => x * y, 1);
        const fanIn = sh[sh.length - 2] * rf, fanOut = sh[sh.length - 1] * rf;
        const lim = Math.sqrt(6 / (fanIn + fanOut));
        for (let j = 0; j < n; j++) a[j] = lim * (2 * rand() - 1);
      }
      return tf.tensor(a, sh);
    });
    l.setWeights(vals);
    vals.forEach(v => v.dispose());
  }
}

function f32file(file, arrays) {
  const total = arrays.reduce((s, a) => s + a.length, 0), buf = Buffer.alloc(total * 4);
  let o = 0; for (const a of arrays) for (const v of a) { buf.writeFloatLE(v, o); o += 4; }
  fs.writeFileSync(file, buf);
}

let batchMode = false;
async function runSpec(spec, outDir, flag) {
  fs.mkdirSync(outDir, { recursive: true });
  let m;
  try { m = build(spec); } catch (e) {
    fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ name: spec.name, error: String(e.message || e) }, null, 1));
    console.log(`${spec.name}: rejected by Keras semantics: ${e.message}`); return;
  }
  try {
    const layers = summarize(m);
    const total = m.countParams();
    const trainable = layers.reduce((s, l) => s + l.trainable, 0);
    const rand = rng(spec.seed || 1);
    setWeights(m, rand);
    const batch = spec.batch || 1;
    const inLen = spec.input.reduce((a, b) => a * b, 1);
    const x = new Float32Array(batch * inLen); for (let i = 0; i < x.length; i++) x[i] = rand();
    const xt = tf.tensor(x, [batch, ...spec.input]), yt = m.predict(xt);
    const y = await yt.data(); xt.dispose(); yt.dispose();
    const weights = m.getWeights().map(w => w.dataSync());
    f32file(path.join(outDir, 'weights.bin'), weights);
    f32file(path.join(outDir, 'input.bin'), [x]);
    f32file(path.join(outDir, 'output.bin'), [y]);
    const summary = { name: spec.name, input: spec.input, batch, layers, totalParams: total, trainableParams: trainable,
      nonTrainableParams: total - trainable, outputShape: m.outputs[0].shape.slice(1),
      weightShapes: m.getWeights().map(w => w.shape) };
    fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 1));
    let onnxNote = '';
    if (flag !== '--no-onnx' && !spec.graph) try {
      const { exportOnnx } = require('./onnx_export');
      const file = path.join(outDir, 'model.onnx');
      exportOnnx(spec, m, file);
      const ort = require('onnxruntime-node');
      const s = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'disabled' });
      const r = await s.run({ input: new ort.Tensor('float32', x, [batch, ...spec.input]) });
      const z = r[s.outputNames[0]].data;
      let maxErr = 0; for (let i = 0; i < y.length; i++) maxErr = Math.max(maxErr, Math.abs(z[i] - y[i]) / (1e-3 + Math.abs(y[i])));
      if (!(maxErr < 1e-3)) throw new Error(`${spec.name}: ONNX Runtime disagrees with TF.js (max rel err ${maxErr})`);
      onnxNote = ` onnx ok (max rel err ${maxErr.toExponential(1)})`;
    } catch (e) {
      if (!batchMode) throw e;
      // batch mode: keep summary.json and the .bin files, note the ONNX problem beside them
      fs.writeFileSync(path.join(outDir, 'onnx_error.txt'), String(e.message || e) + '\n');
      onnxNote = ` ONNX CHECK FAILED: ${e.message}`;
    }
    console.log(`${spec.name}: ${layers.length} layers, ${total} params, output ${JSON.stringify(summary.outputShape)}${onnxNote}`);
  } finally { m.dispose(); tf.disposeVariables(); }
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--batch') {
    batchMode = true;
    const [, specsDir, outRoot, flag] = args;
    const files = fs.readdirSync(specsDir).filter(f => f.endsWith('.json')).sort();
    let failed = 0;
    for (const f of files) {
      const spec = JSON.parse(fs.readFileSync(path.join(specsDir, f), 'utf8'));
      const outDir = path.join(outRoot, f.slice(0, -5));
      try { await runSpec(spec, outDir, flag); } catch (e) {
        failed++;
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ name: spec.name, error: String(e.message || e), stage: 'predict' }, null, 1));
        console.log(`${spec.name}: FAILED after build: ${e.message}`);
      }
    }
    console.log(`batch: ${files.length} specs, ${failed} failed after build, ${tf.memory().numTensors} tensors left`);
    return;
  }
  const [specPath, outDir, flag] = args;
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  await runSpec(spec, outDir, flag);
}
main().catch(e => { console.error(e); process.exit(1); });
