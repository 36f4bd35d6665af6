// Exports a TF.js (Keras-semantics) sequential model to an ONNX graph whose input
// and output are channels-last like Keras; inside, spatial tensors are NCHW.
const fs = require('fs');
const { onnx } = require('onnx-proto');

const pair = v => Array.isArray(v) ? v : [v, v];

function samePads(n, k, s, d) { // TF 'same': extra padding goes after
  const ke = (k - 1) * d + 1, out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + ke - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function exportOnnx(spec, model, file) {
  const nodes = [], inits = [];
  let uid = 0; const nm = p => `${p}_${uid++}`;
  const fTensor = (name, dims, data) => { inits.push(onnx.TensorProto.create({ name, dims, dataType: 1,
    rawData: Buffer.from(new Float32Array(data).buffer) })); return name; };
  const iTensor = (name, data) => { inits.push(onnx.TensorProto.create({ name, dims: [data.length], dataType: 7,
    rawData: Buffer.from(new BigInt64Array(data.map(BigInt)).buffer) })); return name; };
  const attr = (name, v) => {
    if (Array.isArray(v)) return onnx.AttributeProto.create({ name, ints: v, type: 7 });
    if (typeof v === 'string') return onnx.AttributeProto.create({ name, s: Buffer.from(v), type: 3 });
    if (Number.isInteger(v) && !name.match(/epsilon|alpha|beta|min|max/)) return onnx.AttributeProto.create({ name, i: v, type: 2 });
    return onnx.AttributeProto.create({ name, f: v, type: 1 });
  };
  const node = (op, inputs, attrs = {}) => {
    const out = nm(op);
    nodes.push(onnx.NodeProto.create({ opType: op, input: inputs, output: [out], name: out,
      attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) }));
    return out;
  };
  // transpose a Keras kernel (row-major data with shape sh) by perm
  const permute = (data, sh, perm) => {
    const outSh = perm.map(p => sh[p]), n = data.length, out = new Float32Array(n);
    const inStr = sh.map((_, i) => sh.slice(i + 1).reduce((a, b) => a * b, 1));
    const outStr = outSh.map((_, i) => outSh.slice(i + 1).reduce((a, b) => a * b, 1));
    for (let j = 0; j < n; j++) { let r = j, src = 0;
      for (let a = 0; a < outSh.length; a++) { const c = Math.floor(r / outStr[a]); r -= c * outStr[a]; src += c * inStr[perm[a]]; }
      out[j] = data[src]; }
    return { data: out, shape: outSh };
  };

  const batch = spec.batch || 1;
  const inShape = spec.input;
  let x = 'input', rank = inShape.length + 1; // rank incl. batch
  let shape = inShape.slice(); // Keras (channels-last) shape without batch
  if (rank === 4) x = node('Transpose', [x], { perm: [0, 3, 1, 2] });
  if (rank === 3) x = node('Transpose', [x], { perm: [0, 2, 1] });

  const activation = (a) => {
    const r = rank;
    switch (a || 'linear') {
      case 'linear': return;
      case 'relu': x = node('Relu', [x]); return;
      case 'relu6': x = node('Clip', [x, fTensor(nm('lo'), [], [0]), fTensor(nm('hi'), [], [6])]); return;
      case 'sigmoid': x = node('Sigmoid', [x]); return;
      case 'tanh': x = node('Tanh', [x]); return;
      case 'elu': x = node('Elu', [x], { alpha: 1.0 }); return;
      case 'selu': x = node('Selu', [x]); return;
      case 'softplus': x = node('Softplus', [x]); return;
      case 'hardSigmoid': x = node('HardSigmoid', [x], { alpha: 0.2, beta: 0.5 }); return;
      case 'swish': { const s = node('Sigmoid', [x]); x = node('Mul', [x, s]); return; }
      case 'softmax': x = node('Softmax', [x], { axis: r > 2 ? 1 : -1 }); return;
      default: throw new Error('onnx export: activation ' + a);
    }
  };

  model.layers.forEach((layer, li) => {
    const L = spec.layers[li], ws = layer.getWeights().map(w => ({ data: w.dataSync(), shape: w.shape }));
    const outShape = layer.outputShape.slice(1);
    const spatial = shape.slice(0, -1);
    switch (L.type) {
      case 'Conv1D': case 'Conv2D': case 'DepthwiseConv2D': case 'SeparableConv2D': {
        const nd = L.type === 'Conv1D' ? 1 : 2;
        const k = nd === 1 ? [L.kernel] : pair(L.kernel), s = nd === 1 ? [L.strides || 1] : pair(L.strides || 1);
        const d = nd === 1 ? [L.dilation || 1] : pair(L.dilation || 1);
        let pads = new Array(2 * nd).fill(0);
        if ((L.padding || 'valid') === 'same') for (let i = 0; i < nd; i++) { const p = samePads(spatial[i], k[i], s[i], d[i]); pads[i] = p[0]; pads[i + nd] = p[1]; }
        if (L.padding === 'causal') pads[0] = (k[0] - 1) * d[0];
        const cin = shape[shape.length - 1];
        if (L.type === 'Conv1D' || L.type === 'Conv2D') {
          const W = permute(ws[0].data, ws[0].shape, nd === 1 ? [2, 1, 0] : [3, 2, 0, 1]);
          const ins = [x, fTensor(nm('W'), W.shape, W.data)];
          if (ws[1]) ins.push(fTensor(nm('B'), ws[1].shape, ws[1].data));
          x = node('Conv', ins, { kernel_shape: k, strides: s, dilations: d, pads });
        } else {
          const mult = L.depthMultiplier || 1;
          const dw = permute(ws[0].data, ws[0].shape, [2, 3, 0, 1]); // [cin, mult, kh, kw]
          const dwW = fTensor(nm('DW'), [cin * mult, 1, k[0], k[1]], dw.data);
          if (L.type === 'DepthwiseConv2D') {
            const ins = [x, dwW]; if (ws[1]) ins.push(fTensor(nm('B'), ws[1].shape, ws[1].data));
            x = node('Conv', ins, { kernel_shape: k, strides: s, dilations: d, pads, group: cin });
          } else {
            x = node('Conv', [x, dwW], { kernel_shape: k, strides: s, dilations: d, pads, group: cin });
            const pw = permute(ws[1].data, ws[1].shape, [3, 2, 0, 1]);
            const ins = [x, fTensor(nm('PW'), pw.shape, pw.data)]; if (ws[2]) ins.push(fTensor(nm('B'), ws[2].shape, ws[2].data));
            x = node('Conv', ins, { kernel_shape: [1, 1] });
          }
        }
        activation(L.activation); break;
      }
      case 'Conv2DTranspose': {
        const k = pair(L.kernel), s = pair(L.strides || 1);
        const W = permute(ws[0].data, ws[0].shape, [3, 2, 0, 1]);
        const pads = [0, 0, 0, 0], op = [0, 0];
        for (let i = 0; i < 2; i++) {
          const n = spatial[i], O = outShape[i], raw = s[i] * (n - 1) + k[i];
          const total = Math.max(raw - O, 0); pads[i] = Math.floor(total / 2); pads[i + 2] = total - pads[i];
          op[i] = O - (raw - total);
        }
        const ins = [x, fTensor(nm('W'), W.shape, W.data)]; if (ws[1]) ins.push(fTensor(nm('B'), ws[1].shape, ws[1].data));
        x = node('ConvTranspose', ins, { kernel_shape: k, strides: s, pads, output_padding: op });
        activation(L.activation); break;
      }
      case 'MaxPooling2D': case 'AveragePooling2D': case 'MaxPooling1D': case 'AveragePooling1D': {
        const nd = L.type.endsWith('1D') ? 1 : 2;
        const k = nd === 1 ? [L.pool || 2] : pair(L.pool || 2);
        const s = L.strides ? (nd === 1 ? [L.strides] : pair(L.strides)) : k;
        const pads = new Array(2 * nd).fill(0);
        if ((L.padding || 'valid') === 'same') for (let i = 0; i < nd; i++) { const p = samePads(spatial[i], k[i], s[i], 1); pads[i] = p[0]; pads[i + nd] = p[1]; }
        x = node(L.type.startsWith('Max') ? 'MaxPool' : 'AveragePool', [x],
          L.type.startsWith('Max') ? { kernel_shape: k, strides: s, pads } : { kernel_shape: k, strides: s, pads, count_include_pad: 0 });
        break;
      }
      case 'GlobalAveragePooling2D': case 'GlobalMaxPooling2D':
        x = node(L.type.startsWith('GlobalMax') ? 'GlobalMaxPool' : 'GlobalAveragePool', [x]);
        x = node('Flatten', [x], { axis: 1 }); break;
      case 'ZeroPadding2D': {
        let p = L.padding; if (!Array.isArray(p)) p = [[p, p], [p, p]]; else if (!Array.isArray(p[0])) p = [[p[0], p[0]], [p[1], p[1]]];
        x = node('Pad', [x, iTensor(nm('pads'), [0, 0, p[0][0], p[1][0], 0, 0, p[0][1], p[1][1]])]); break;
      }
      case 'Cropping2D': {
        let c = L.cropping; if (!Array.isArray(c)) c = [[c, c], [c, c]]; else if (!Array.isArray(c[0])) c = [[c[0], c[0]], [c[1], c[1]]];
        x = node('Slice', [x, iTensor(nm('st'), [c[0][0], c[1][0]]), iTensor(nm('en'), [spatial[0] - c[0][1], spatial[1] - c[1][1]]),
          iTensor(nm('ax'), [2, 3])]); break;
      }
      case 'UpSampling2D': {
        const sz = pair(L.size || 2);
        x = node('Resize', [x, '', fTensor(nm('sc'), [4], [1, 1, sz[0], sz[1]])],
          { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }); break;
      }
      case 'Flatten':
        if (rank === 4) x = node('Transpose', [x], { perm: [0, 2, 3, 1] });
        if (rank === 3) x = node('Transpose', [x], { perm: [0, 2, 1] });
        x = node('Flatten', [x], { axis: 1 }); break;
      case 'Reshape': {
        if (rank === 4) x = node('Transpose', [x], { perm: [0, 2, 3, 1] });
        if (rank === 3) x = node('Transpose', [x], { perm: [0, 2, 1] });
        x = node('Reshape', [x, iTensor(nm('shape'), [batch, ...L.shape])]);
        if (L.shape.length === 3) x = node('Transpose', [x], { perm: [0, 3, 1, 2] });
        if (L.shape.length === 2) x = node('Transpose', [x], { perm: [0, 2, 1] });
        break;
      }
      case 'Dense': {
        if (rank === 2) {
          const ins = [x, fTensor(nm('W'), ws[0].shape, ws[0].data)]; if (ws[1]) ins.push(fTensor(nm('B'), ws[1].shape, ws[1].data));
          x = node('Gemm', ins);
        } else {
          const toLast = rank === 4 ? [0, 2, 3, 1] : [0, 2, 1], back = rank === 4 ? [0, 3, 1, 2] : [0, 2, 1];
          x = node('Transpose', [x], { perm: toLast });
          x = node('MatMul', [x, fTensor(nm('W'), ws[0].shape, ws[0].data)]);
          if (ws[1]) x = node('Add', [x, fTensor(nm('B'), ws[1].shape, ws[1].data)]);
          x = node('Transpose', [x], { perm: back });
        }
        activation(L.activation); break;
      }
      case 'Dropout': break;
      case 'BatchNormalization': {
        const [g, b, mean, v] = ws;
        x = node('BatchNormalization', [x, fTensor(nm('g'), g.shape, g.data), fTensor(nm('b'), b.shape, b.data),
          fTensor(nm('m'), mean.shape, mean.data), fTensor(nm('v'), v.shape, v.data)], { epsilon: L.epsilon ?? 1e-3 });
        break;
      }
      case 'Activation': activation(L.activation); break;
      case 'ReLU': activation('relu'); break;
      case 'Softmax': activation('softmax'); break;
      default: throw new Error('onnx export: layer ' + L.type);
    }
    shape = outShape; rank = outShape.length + 1;
  });
  if (rank === 4) x = node('Transpose', [x], { perm: [0, 2, 3, 1] });
  if (rank === 3) x = node('Transpose', [x], { perm: [0, 2, 1] });
  x = node('Identity', [x]);
  const vi = (name, dims) => onnx.ValueInfoProto.create({ name, type: onnx.TypeProto.create({ tensorType:
    onnx.TypeProto.Tensor.create({ elemType: 1, shape: onnx.TensorShapeProto.create({ dim: dims.map(d => onnx.TensorShapeProto.Dimension.create({ dimValue: d })) }) }) }) });
  const graph = onnx.GraphProto.create({ name: spec.name, node: nodes, initializer: inits,
    input: [vi('input', [batch, ...inShape])], output: [vi(x, [batch, ...shape])] });
  const proto = onnx.ModelProto.create({ irVersion: 8, producerName: 'shapegen-oracle', graph,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })] });
  fs.writeFileSync(file, onnx.ModelProto.encode(proto).finish());
}
module.exports = { exportOnnx };
