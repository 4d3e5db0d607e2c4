// The accord extension: highlighting comes from the TextMate grammar, and
// everything else (diagnostics, formatting, hover, navigation, completion,
// outline) from `accord lsp`, started here as the language server.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('accord').get('path') || 'accord';
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'accord' },
      { scheme: 'untitled', language: 'accord' },
    ],
  };
  client = new LanguageClient('accord', 'accord', serverOptions, clientOptions);
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
