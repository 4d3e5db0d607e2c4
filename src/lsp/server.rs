//! The server loop: one message at a time, in order, on the calling
//! thread. Each change is parsed and checked before the next message is
//! read, so diagnostics always belong to the text the editor has.

use std::io::{self, BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::documents::{file_path, Document, Documents};
use super::fields::Fields;
use super::transport::{self, Incoming};
use super::{completion, diagnostics, formatting, hover, navigation, symbols};

/// How the session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `exit` after `shutdown`, as the protocol asks.
    Cleanly,
    /// `exit` without `shutdown`, or the input closed first.
    Abruptly,
}

#[derive(Default)]
struct Server {
    documents: Documents,
    fields: Fields,
    initialized: bool,
    shut_down: bool,
}

/// An error answer to a request.
struct Failure(ErrorCode, String);

type Answer = Result<Value, Failure>;

/// Serves the protocol from `input` to `output` until `exit`.
pub fn serve(mut input: impl BufRead, mut output: impl Write) -> io::Result<Ended> {
    let mut server = Server::default();
    while let Some(incoming) = transport::read(&mut input)? {
        let message = match incoming {
            Incoming::Message(message) => message,
            Incoming::Malformed { id, code, reason } => {
                transport::write_error(&mut output, id, code, &reason)?;
                continue;
            }
        };
        let outgoing = match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let answer = catch_unwind(AssertUnwindSafe(|| server.request(request)))
                    .unwrap_or_else(|_| {
                        Err(Failure(
                            ErrorCode::InternalError,
                            "accord failed on this request; this is a bug, please report it"
                                .to_owned(),
                        ))
                    });
                vec![Message::Response(response(id, answer))]
            }
            Message::Notification(n) if n.method == note::Exit::METHOD => {
                return Ok(if server.shut_down {
                    Ended::Cleanly
                } else {
                    Ended::Abruptly
                });
            }
            Message::Notification(n) => {
                catch_unwind(AssertUnwindSafe(|| server.notification(n))).unwrap_or_default()
            }
            // The server sends no requests, so expects no responses.
            Message::Response(_) => Vec::new(),
        };
        for message in outgoing {
            transport::write(&mut output, message)?;
        }
    }
    Ok(if server.shut_down {
        Ended::Cleanly
    } else {
        Ended::Abruptly
    })
}

fn response(id: RequestId, answer: Answer) -> Response {
    match answer {
        Ok(result) => Response {
            id,
            response_result: Ok(result),
        },
        Err(Failure(code, message)) => Response::new_err(id, code as i32, message),
    }
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, Failure> {
    serde_json::from_value(value).map_err(|e| Failure(ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(result: impl serde::Serialize) -> Answer {
    serde_json::to_value(result).map_err(|e| Failure(ErrorCode::InternalError, e.to_string()))
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        completion_provider: Some(CompletionOptions::default()),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

impl Server {
    fn request(&mut self, request: Request) -> Answer {
        let method = request.method.as_str();
        if !self.initialized && method != req::Initialize::METHOD {
            return Err(Failure(
                ErrorCode::ServerNotInitialized,
                "the first request must be `initialize`".to_owned(),
            ));
        }
        if self.shut_down {
            return Err(Failure(
                ErrorCode::InvalidRequest,
                "the server is shutting down; only `exit` is expected".to_owned(),
            ));
        }
        let p = request.params;
        match method {
            req::Initialize::METHOD => {
                let _: InitializeParams = params(p)?;
                self.initialized = true;
                to_value(InitializeResult {
                    capabilities: capabilities(),
                    server_info: Some(ServerInfo {
                        name: "accord".to_owned(),
                        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                    }),
                })
            }
            req::Shutdown::METHOD => {
                self.shut_down = true;
                Ok(Value::Null)
            }
            req::HoverRequest::METHOD => {
                let p: HoverParams = params(p)?;
                let at = &p.text_document_position_params;
                self.at(at, |d, offset| to_value(hover::hover(d, offset)))
            }
            req::GotoDefinition::METHOD => {
                let p: GotoDefinitionParams = params(p)?;
                let at = &p.text_document_position_params;
                let uri = &at.text_document.uri;
                self.at(at, |d, offset| {
                    to_value(navigation::definition(uri, d, offset))
                })
            }
            req::References::METHOD => {
                let p: ReferenceParams = params(p)?;
                let at = &p.text_document_position;
                let uri = &at.text_document.uri;
                let declaration = p.context.include_declaration;
                self.at(at, |d, offset| {
                    to_value(navigation::references(uri, d, offset, declaration))
                })
            }
            req::PrepareRenameRequest::METHOD => {
                let p: TextDocumentPositionParams = params(p)?;
                self.at(&p, |d, offset| {
                    to_value(navigation::prepare_rename(d, offset))
                })
            }
            req::Rename::METHOD => {
                let p: RenameParams = params(p)?;
                let at = &p.text_document_position;
                let uri = &at.text_document.uri;
                self.at(at, |d, offset| {
                    navigation::rename(uri, d, offset, &p.new_name)
                        .map_err(|e| Failure(ErrorCode::InvalidParams, e.to_string()))
                        .and_then(to_value)
                })
            }
            req::Completion::METHOD => {
                let p: CompletionParams = params(p)?;
                let at = &p.text_document_position;
                let fields = file_path(&at.text_document.uri)
                    .map(|path| self.fields.near(&path))
                    .unwrap_or_default();
                self.at(at, |d, offset| {
                    to_value(completion::complete(d, offset, &fields))
                })
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: DocumentSymbolParams = params(p)?;
                let d = self.document(&p.text_document.uri)?;
                to_value(symbols::outline(d).map(DocumentSymbolResponse::Nested))
            }
            req::FoldingRangeRequest::METHOD => {
                let p: FoldingRangeParams = params(p)?;
                to_value(symbols::folding(self.document(&p.text_document.uri)?))
            }
            req::Formatting::METHOD => {
                let p: DocumentFormattingParams = params(p)?;
                to_value(formatting::format(self.document(&p.text_document.uri)?))
            }
            _ => Err(Failure(
                ErrorCode::MethodNotFound,
                format!("accord does not answer `{method}`"),
            )),
        }
    }

    fn document(&self, uri: &Uri) -> Result<&Document, Failure> {
        self.documents.get(uri).ok_or_else(|| {
            Failure(
                ErrorCode::InvalidParams,
                format!("`{}` is not open", uri.as_str()),
            )
        })
    }

    /// Runs `f` on the document and byte offset of a position.
    fn at(
        &self,
        at: &TextDocumentPositionParams,
        f: impl FnOnce(&Document, usize) -> Answer,
    ) -> Answer {
        let document = self.document(&at.text_document.uri)?;
        let offset = document.lines.offset(document.text(), at.position);
        f(document, offset)
    }

    /// Handles a notification; what to send in return.
    fn notification(&mut self, n: Notification) -> Vec<Message> {
        if !self.initialized {
            return Vec::new();
        }
        let document = match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let doc = p.text_document;
                let uri = doc.uri.clone();
                Some((uri.clone(), self.documents.open(uri, doc.text, doc.version)))
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                let Some(text) = self.changed(&uri, p.content_changes) else {
                    return Vec::new();
                };
                self.documents
                    .change(&uri, text, p.text_document.version)
                    .map(|d| (uri.clone(), d))
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                let uri = p.text_document.uri;
                self.documents.close(&uri);
                // A closed file's problems leave the editor's list.
                let cleared = PublishDiagnosticsParams::new(uri, Vec::new(), None);
                return vec![publish(cleared)];
            }
            _ => None,
        };
        document
            .map(|(uri, d)| vec![publish(diagnostics::publish(&uri, d))])
            .unwrap_or_default()
    }

    /// The text after a change: the whole text as sent (full sync), or, for
    /// a client that sends ranges anyway, the ranges applied in order.
    fn changed(&self, uri: &Uri, changes: Vec<TextDocumentContentChangeEvent>) -> Option<String> {
        let mut text = self.documents.get(uri)?.text().to_owned();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let lines = super::position::Lines::new(&text);
                    let span = lines.span(&text, range);
                    let end = span.end().max(span.start());
                    text.replace_range(span.start()..end, &change.text);
                }
            }
        }
        Some(text)
    }
}

fn publish(params: PublishDiagnosticsParams) -> Message {
    Message::Notification(Notification::new(
        note::PublishDiagnostics::METHOD.to_owned(),
        params,
    ))
}
