#!/usr/bin/env node
// Coverage table of the committed corpus: for each layer type and option, how many
// cases (and layers) of Random/, Numeric/ and Rejected/ exercise it.
//   node tools/corpus/coverage.js [--markdown]      (exit code 1 if a required tag is missing)
'use strict';
const fs = require('fs');
const path = require('path');
const { specTags, requiredTags, key, layerTags } = require('./features');
const { walk, ACTIVATIONS, LAYER_TYPES } = require('./keras-shapes');

const CORPUS = path.resolve(__dirname, '..', '..', 'tests', 'ShapeGen.Tests', 'Corpus');
const read = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const list = d => fs.existsSync(d) ? fs.readdirSync(d).sort() : [];

const random = list(path.join(CORPUS, 'Random')).map(f => read(path.join(CORPUS, 'Random', f)).spec);
const numeric = list(path.join(CORPUS, 'Numeric')).map(d => read(path.join(CORPUS, 'Numeric', d, 'spec.json')));
const rejected = list(path.join(CORPUS, 'Rejected')).map(f => read(path.join(CORPUS, 'Rejected', f)));

function count(specs, tagFn) { // key -> { cases, layers }
  const m = new Map();
  for (const s of specs) {
    const tags = tagFn(s).map(key), seen = new Set();
    for (const t of tags) {
      const e = m.get(t) || { cases: 0, layers: 0 };
      e.layers++; if (!seen.has(t)) { e.cases++; seen.add(t); }
      m.set(t, e);
    }
  }
  return m;
}
const withActs = s => { const t = specTags(s); for (const L of s.layers) if (L.activation) t.push(['(any layer)', 'activation=' + L.activation]); return t; };
const cR = count(random, withActs), cN = count(numeric, withActs);
// rejected: tag only the offending layer, on its input shape
const cX = count(rejected, r => { const i = r.expectedErrorLayer, w = walk({ ...r.spec, layers: r.spec.layers.slice(0, i) });
  return layerTags(r.spec.layers[i], w.output).concat([['(offending layer at index)', i === 0 ? '0 (first layer)' : i === r.spec.layers.length - 1 ? 'last layer' : 'middle']]); });

const typeOrder = ['(stack)', ...LAYER_TYPES, '(any layer)', '(offending layer at index)'];
const all = [...new Set([...cR.keys(), ...cN.keys(), ...cX.keys(), ...requiredTags().map(key), ...ACTIVATIONS.map(a => '(any layer) | activation=' + a)])];
all.sort((a, b) => { const [ta, oa] = a.split(' | '), [tb, ob] = b.split(' | ');
  return typeOrder.indexOf(ta) - typeOrder.indexOf(tb) || (oa === '(any)' ? -1 : ob === '(any)' ? 1 : oa.localeCompare(ob)); });

const cell = (m, k) => { const e = m.get(k); return e ? `${e.cases} (${e.layers})` : '0'; };
const md = process.argv.includes('--markdown');
const rows = [['layer', 'option', 'Random', 'Numeric', 'Rejected (offending layer)']];
for (const k of all) { const [t, o] = k.split(' | '); rows.push([t, o, cell(cR, k), cell(cN, k), cell(cX, k)]); }
if (md) {
  console.log(`Cases: Random ${random.length}, Numeric ${numeric.length} (batch 2: ${numeric.filter(s => (s.batch || 1) > 1).length}), Rejected ${rejected.length}. Cells: cases (layers).\n`);
  console.log('| ' + rows[0].join(' | ') + ' |'); console.log('|' + rows[0].map(() => ' --- ').join('|') + '|');
  for (const r of rows.slice(1)) console.log('| ' + r.join(' | ') + ' |');
} else {
  console.log(`Cases: Random ${random.length}, Numeric ${numeric.length}, Rejected ${rejected.length}. Cells: cases (layers).`);
  const w = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(w[i])).join('  '));
}
const lens = random.map(s => s.layers.length);
console.log(`${md ? '\n' : ''}Random stack lengths ${Math.min(...lens)}..${Math.max(...lens)} layers; inputs up to ${Math.max(...random.map(s => Math.max(...s.input)))} per axis.`);
const missing = requiredTags().map(key).filter(k => !cR.has(k));
const missingN = [...LAYER_TYPES.map(t => t + ' | (any)'), ...ACTIVATIONS.map(a => '(any layer) | activation=' + a)].filter(k => !cN.has(k));
if (missing.length || missingN.length) { console.log('MISSING in Random: ' + missing.join(', ') + '; in Numeric: ' + missingN.join(', ')); process.exitCode = 1; }
else console.log('Every required layer type / option is in Random, and every layer type and activation is in Numeric.');
