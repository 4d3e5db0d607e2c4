// The TextMate grammar, run by the real tokenizer (vscode-textmate on
// vscode-oniguruma, as VS Code runs it) over the example agreements:
// every keyword of grammar/accord.pest is scoped, and strings, comments,
// durations, percentages and money get their scopes. Run: `npm test`.
'use strict';
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const root = path.join(__dirname, '..', '..', '..');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;

/** The keywords of the grammar: the literal of every `kw_*` rule. */
function grammarKeywords() {
  const pest = fs.readFileSync(path.join(root, 'grammar', 'accord.pest'), 'utf8');
  const words = [...pest.matchAll(/^kw_\w+\s*=\s*@\{\s*"([a-z]+)"/gm)].map((m) => m[1]);
  // `or` joins conditions without a kw_ rule of its own.
  const ops = [...pest.matchAll(/^op_\w+\s*=\s*@\{\s*"([a-z]+)"/gm)].map((m) => m[1]);
  return [...new Set([...words, ...ops])].sort();
}

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(
        fs.readFileSync(path.join(__dirname, '..', 'syntaxes', 'accord.tmLanguage.json'), 'utf8'),
        'accord.tmLanguage.json',
      ),
  });
  const grammar = await registry.loadGrammar('source.accord');

  /** Every token of a text: its text and its innermost scope. */
  function tokenize(text) {
    let state = vsctm.INITIAL;
    const out = [];
    for (const line of text.split('\n')) {
      const result = grammar.tokenizeLine(line, state);
      for (const t of result.tokens) {
        out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
      }
      state = result.ruleStack;
    }
    return out;
  }
  const scopeOf = (token) => token.scopes[token.scopes.length - 1];
  const scoped = (tokens, text, prefix) =>
    tokens.filter((t) => t.text === text).every((t) => scopeOf(t).startsWith(prefix));

  // Every keyword, on a line of its own and in a line of other words.
  const keywords = grammarKeywords();
  assert.ok(keywords.length >= 60, `only ${keywords.length} keywords read from accord.pest`);
  for (const word of keywords) {
    for (const line of [word, `  x ${word} y`]) {
      const token = tokenize(line).find((t) => t.text === word);
      assert.ok(token, `\`${word}\` is not a token of its own in \`${line}\``);
      assert.ok(scopeOf(token).startsWith('keyword.'), `\`${word}\` is scoped ${scopeOf(token)}`);
    }
  }

  const examples = fs
    .readdirSync(path.join(root, 'rules'))
    .filter((f) => f.endsWith('.sla'))
    .map((f) => [f, fs.readFileSync(path.join(root, 'rules', f), 'utf8')]);
  assert.ok(examples.length >= 3);
  let checked = 0;
  for (const [name, text] of examples) {
    const tokens = tokenize(text);
    const words = tokens.filter((t) => /^[a-z_]+$/.test(t.text.trim()));
    // A keyword outside strings and comments is a keyword, or the name a
    // definition gives (`team marketing`).
    for (const t of words) {
      const word = t.text.trim();
      const scope = scopeOf(t);
      if (!keywords.includes(word) || /^(string|comment)/.test(scope)) continue;
      assert.ok(
        scope.startsWith('keyword.') || scope.startsWith('entity.name.'),
        `${name}: \`${word}\` is scoped ${scope}`,
      );
      checked += 1;
    }
    for (const t of tokens) {
      const scope = scopeOf(t);
      if (t.text.startsWith('#')) assert.strictEqual(scope, 'comment.line.number-sign.accord', `${name}: ${t.text}`);
      if (/^\d[\d_]*(\.\d[\d_]*)?%$/.test(t.text)) assert.strictEqual(scope, 'constant.numeric.percentage.accord', `${name}: ${t.text}`);
      if (/^(\d+[smhdw])+$/.test(t.text)) assert.strictEqual(scope, 'constant.numeric.duration.accord', `${name}: ${t.text}`);
      if (/^\d{4}-\d{2}-\d{2}$/.test(t.text)) assert.strictEqual(scope, 'constant.numeric.date.accord', `${name}: ${t.text}`);
    }
    // Strings, whole: the quotes and what is between them.
    const strings = tokens.filter((t) => t.scopes.some((s) => s.startsWith('string.quoted.double')));
    assert.ok(strings.length > 0, `${name}: no strings`);
  }
  assert.ok(checked > 100, `only ${checked} keywords met in the examples`);

  // Samples from the examples, scope by scope.
  const b2b = tokenize(fs.readFileSync(path.join(root, 'rules', 'b2b-inbound.sla'), 'utf8'));
  const find = (text) => b2b.find((t) => t.text === text);
  const expectations = [
    ['EUR', 'support.constant.currency.accord'],
    ['300_000', 'constant.numeric.money.accord'],
    ['12_000', 'constant.numeric.money.accord'],
    ['60%', 'constant.numeric.percentage.accord'],
    ['95%', 'constant.numeric.percentage.accord'],
    ['5m', 'constant.numeric.duration.accord'],
    ['14d', 'constant.numeric.duration.accord'],
    ['2w', 'constant.numeric.duration.accord'],
    ['09:00', 'constant.numeric.time.accord'],
    ['2027-01-01', 'constant.numeric.date.accord'],
    ['funnel.leads', 'variable.language.funnel.accord'],
    ['mql', 'entity.name.type.accord'],
    ['office', 'entity.name.type.accord'],
    ['month', 'constant.language.accord'],
    ['mon', 'constant.language.accord'],
    ['>=', 'keyword.operator.comparison.accord'],
    ['Northwind inbound SLA', 'string.quoted.double.accord'],
    ['# One glossary for both teams: every word a rule uses is defined once.', 'comment.line.number-sign.accord'],
  ];
  for (const [text, scope] of expectations) {
    const token = find(text);
    assert.ok(token, `no token \`${text}\``);
    assert.strictEqual(scopeOf(token), scope, `\`${text}\``);
  }
  assert.ok(scoped(b2b, 'within', 'keyword.other'));
  assert.ok(scoped(b2b, 'response', 'keyword.declaration'));
  // An escape inside a string.
  const escaped = tokenize('term x means a is "say \\"hi\\""');
  assert.ok(escaped.some((t) => t.text === '\\"' && scopeOf(t) === 'constant.character.escape.accord'));

  console.log(`grammar: ${keywords.length} keywords scoped; ${checked} keyword uses in ${examples.length} examples`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
