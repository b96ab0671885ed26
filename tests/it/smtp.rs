//! A small SMTP server for tests: speaks enough SMTP for lettre, undoes dot-stuffing, and keeps
//! every message it receives for the test to read.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The From and Reply-To headers as sent.
    pub from: String,
    pub reply_to: String,
    /// Attached files: (file name, content type, bytes).
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    mails: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind SMTP sink");
        let port = listener.local_addr().unwrap().port();
        let sink = SmtpSink {
            port,
            mails: Arc::default(),
        };
        let s = sink.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = s.session(sock).await;
                });
            }
        });
        sink
    }

    async fn session(&self, sock: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = sock.into_split();
        let mut r = BufReader::new(r);
        w.write_all(b"220 sink.test ESMTP\r\n").await?;
        let mut rcpt = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            if r.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let cmd = line.trim_end().to_ascii_uppercase();
            if cmd.starts_with("EHLO") {
                w.write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    .await?;
            } else if cmd.starts_with("HELO")
                || cmd.starts_with("MAIL FROM")
                || cmd.starts_with("NOOP")
            {
                w.write_all(b"250 OK\r\n").await?;
            } else if cmd.starts_with("RSET") {
                rcpt.clear();
                w.write_all(b"250 OK\r\n").await?;
            } else if cmd.starts_with("RCPT TO") {
                let addr = line.trim_end()[8..]
                    .trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_string();
                rcpt.push(addr);
                w.write_all(b"250 OK\r\n").await?;
            } else if cmd == "DATA" {
                w.write_all(b"354 go ahead\r\n").await?;
                let mut raw = Vec::new();
                loop {
                    line.clear();
                    if r.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    // Dot-stuffing: a line that began with "." was sent as "..".
                    let l = line
                        .strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line);
                    raw.extend_from_slice(l.as_bytes());
                }
                self.store(std::mem::take(&mut rcpt), &raw);
                w.write_all(b"250 queued\r\n").await?;
            } else if cmd.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else {
                w.write_all(b"502 not implemented\r\n").await?;
            }
        }
    }

    fn store(&self, to: Vec<String>, raw: &[u8]) {
        let parsed = mailparse::parse_mail(raw).expect("lettre sent a parseable message");
        let header = |name: &str| {
            parsed
                .headers
                .iter()
                .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
                .map(|h| h.get_value())
                .unwrap_or_default()
        };
        let mut text = String::new();
        let mut html = String::new();
        let mut attachments = Vec::new();
        collect_parts(&parsed, &mut text, &mut html, &mut attachments);
        self.mails.lock().unwrap().push(ReceivedMail {
            to,
            subject: header("subject"),
            from: header("from"),
            reply_to: header("reply-to"),
            text,
            html,
            attachments,
        });
    }

    pub fn all(&self) -> Vec<ReceivedMail> {
        self.mails.lock().unwrap().clone()
    }

    /// The newest mail to `to` whose subject starts with `subject`, if one has arrived.
    pub fn newest(&self, to: &str, subject: &str) -> Option<ReceivedMail> {
        self.all().into_iter().rev().find(|m| {
            m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.starts_with(subject)
        })
    }
}

type Files = Vec<(String, String, Vec<u8>)>;

fn collect_parts(
    part: &mailparse::ParsedMail<'_>,
    text: &mut String,
    html: &mut String,
    files: &mut Files,
) {
    if part.subparts.is_empty() {
        let disposition = part.get_content_disposition();
        if let Some(name) = disposition.params.get("filename") {
            let bytes = part.get_body_raw().unwrap_or_default();
            files.push((name.clone(), part.ctype.mimetype.clone(), bytes));
            return;
        }
        let body = part.get_body().unwrap_or_default();
        match part.ctype.mimetype.as_str() {
            "text/plain" => text.push_str(&body),
            "text/html" => html.push_str(&body),
            _ => {}
        }
    }
    for p in &part.subparts {
        collect_parts(p, text, html, files);
    }
}
