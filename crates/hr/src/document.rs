//! A small document model (title, headings, paragraphs, fields, lists; places to complete)
//! and its renderings: Markdown, a printable HTML page, DOCX (with `docx-rs`) and ODT (an
//! OpenDocument text package written with `zip`: no maintained crate writes ODT, and the
//! format is a zip of a few XML files). What HR staff edit is then the same document in
//! every format.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

/// A piece of text: plain, or a place the organisation fills in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    /// Rendered `[À COMPLÉTER : …]`, marked.
    Place(String),
}

/// A marked place as it reads: `[À COMPLÉTER : service]`.
pub fn placeholder(what: &str) -> String {
    format!("[À COMPLÉTER : {what}]")
}

impl Span {
    fn plain(&self) -> String {
        match self {
            Span::Text(t) => t.clone(),
            Span::Place(what) => placeholder(what),
        }
    }
}

/// A block of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document's title.
    Title(Vec<Span>),
    /// A note under the title (its source), in italics.
    Note(String),
    Heading(String),
    Subheading(String),
    Paragraph(Vec<Span>),
    /// Labelled values.
    Fields(Vec<(String, Vec<Span>)>),
    /// Items with their sub-items.
    List(Vec<(String, Vec<String>)>),
}

/// A document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The title of the file (HTML `<title>`, document properties).
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Why a document could not be written (the library writing the package failed).
#[derive(Debug, thiserror::Error)]
#[error("écriture du document {format} impossible : {message}")]
pub struct DocumentError {
    pub format: &'static str,
    pub message: String,
}

fn plain(spans: &[Span]) -> String {
    spans.iter().map(Span::plain).collect()
}

impl Document {
    /// Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for b in &self.blocks {
            match b {
                Block::Title(s) => {
                    let _ = writeln!(out, "# {}\n", plain(s));
                }
                Block::Note(n) => {
                    let _ = writeln!(out, "*{n}*\n");
                }
                Block::Heading(h) => {
                    let _ = writeln!(out, "## {h}\n");
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "### {h}\n");
                }
                Block::Paragraph(s) => {
                    let _ = writeln!(out, "{}\n", plain(s));
                }
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        let _ = writeln!(out, "- **{label}** : {}", plain(value));
                    }
                    out.push('\n');
                }
                Block::List(items) => {
                    for (item, details) in items {
                        let _ = writeln!(out, "- {item}");
                        for d in details {
                            let _ = writeln!(out, "  - {d}");
                        }
                    }
                    out.push('\n');
                }
            }
        }
        let trimmed = out.trim_end();
        format!("{trimmed}\n")
    }

    /// A standalone printable HTML page (French, no external resource, every text escaped;
    /// places marked).
    pub fn to_html(&self) -> String {
        let spans = |s: &[Span]| -> String {
            s.iter()
                .map(|x| match x {
                    Span::Text(t) => escape(t),
                    Span::Place(_) => {
                        format!("<mark class=\"a-completer\">{}</mark>", escape(&x.plain()))
                    }
                })
                .collect()
        };
        let mut out =
            String::from("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(out, "<title>{}</title>", escape(&self.title));
        out.push_str(HTML_STYLE);
        out.push_str("</head>\n<body>\n<main>\n");
        for b in &self.blocks {
            match b {
                Block::Title(s) => {
                    let _ = writeln!(out, "<h1>{}</h1>", spans(s));
                }
                Block::Note(n) => {
                    let _ = writeln!(out, "<p class=\"source\">{}</p>", escape(n));
                }
                Block::Heading(h) => {
                    let _ = writeln!(out, "<h2>{}</h2>", escape(h));
                }
                Block::Subheading(h) => {
                    let _ = writeln!(out, "<h3>{}</h3>", escape(h));
                }
                Block::Paragraph(s) => {
                    let _ = writeln!(out, "<p>{}</p>", spans(s));
                }
                Block::Fields(fields) => {
                    out.push_str("<dl>\n");
                    for (label, value) in fields {
                        let _ =
                            writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), spans(value));
                    }
                    out.push_str("</dl>\n");
                }
                Block::List(items) => {
                    out.push_str("<ul>\n");
                    for (item, details) in items {
                        let _ = write!(out, "<li>{}", escape(item));
                        if !details.is_empty() {
                            out.push_str("<ul>");
                            for d in details {
                                let _ = write!(out, "<li>{}</li>", escape(d));
                            }
                            out.push_str("</ul>");
                        }
                        out.push_str("</li>\n");
                    }
                    out.push_str("</ul>\n");
                }
            }
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// A Word document (DOCX), with the title and headings as Word headings and the places
    /// to complete highlighted.
    pub fn to_docx(&self) -> Result<Vec<u8>, DocumentError> {
        use docx_rs::{Docx, Paragraph, Run};
        let run = |s: &Span| match s {
            Span::Text(t) => Run::new().add_text(t),
            Span::Place(_) => Run::new().add_text(s.plain()).bold().highlight("yellow"),
        };
        let spans = |p: Paragraph, s: &[Span]| s.iter().fold(p, |p, x| p.add_run(run(x)));
        let mut doc = Docx::new();
        for b in &self.blocks {
            match b {
                Block::Title(s) => {
                    doc = doc.add_paragraph(spans(Paragraph::new().style("Title"), s))
                }
                Block::Note(n) => {
                    doc = doc
                        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(n).italic()));
                }
                Block::Heading(h) => {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .style("Heading1")
                            .add_run(Run::new().add_text(h)),
                    );
                }
                Block::Subheading(h) => {
                    doc = doc.add_paragraph(
                        Paragraph::new()
                            .style("Heading2")
                            .add_run(Run::new().add_text(h)),
                    );
                }
                Block::Paragraph(s) => doc = doc.add_paragraph(spans(Paragraph::new(), s)),
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        let p = Paragraph::new()
                            .add_run(Run::new().add_text(format!("{label} : ")).bold());
                        doc = doc.add_paragraph(spans(p, value));
                    }
                }
                Block::List(items) => {
                    for (item, details) in items {
                        doc = doc.add_paragraph(
                            Paragraph::new().add_run(Run::new().add_text(format!("• {item}"))),
                        );
                        for d in details {
                            doc = doc.add_paragraph(
                                Paragraph::new()
                                    .indent(Some(720), None, None, None)
                                    .add_run(Run::new().add_text(format!("– {d}"))),
                            );
                        }
                    }
                }
            }
        }
        let mut buf = Cursor::new(Vec::new());
        doc.build().pack(&mut buf).map_err(|e| DocumentError {
            format: "DOCX",
            message: e.to_string(),
        })?;
        Ok(buf.into_inner())
    }

    /// An OpenDocument text (ODT): the `mimetype` first and stored, the manifest, the
    /// content with its automatic styles (places highlighted), the styles (title, headings).
    pub fn to_odt(&self) -> Result<Vec<u8>, DocumentError> {
        let failed = |e: &dyn std::fmt::Display| DocumentError {
            format: "ODT",
            message: e.to_string(),
        };
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let parts: [(&str, String, zip::write::SimpleFileOptions); 4] = [
            ("mimetype", ODT_MIME.to_owned(), stored),
            ("META-INF/manifest.xml", ODT_MANIFEST.to_owned(), deflated),
            ("styles.xml", ODT_STYLES.to_owned(), deflated),
            ("content.xml", self.odt_content(), deflated),
        ];
        for (name, text, options) in parts {
            zip.start_file(name, options).map_err(|e| failed(&e))?;
            zip.write_all(text.as_bytes()).map_err(|e| failed(&e))?;
        }
        let cursor = zip.finish().map_err(|e| failed(&e))?;
        Ok(cursor.into_inner())
    }

    fn odt_content(&self) -> String {
        let spans = |s: &[Span]| -> String {
            s.iter()
                .map(|x| match x {
                    Span::Text(t) => xml(t),
                    Span::Place(_) => format!(
                        "<text:span text:style-name=\"Place\">{}</text:span>",
                        xml(&x.plain())
                    ),
                })
                .collect()
        };
        let mut body = String::new();
        for b in &self.blocks {
            match b {
                Block::Title(s) => {
                    let _ = write!(
                        body,
                        "<text:h text:style-name=\"Title\" text:outline-level=\"1\">{}</text:h>",
                        spans(s)
                    );
                }
                Block::Note(n) => {
                    let _ = write!(body, "<text:p text:style-name=\"Note\">{}</text:p>", xml(n));
                }
                Block::Heading(h) => {
                    let _ = write!(
                        body,
                        "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"2\">{}</text:h>",
                        xml(h)
                    );
                }
                Block::Subheading(h) => {
                    let _ = write!(
                        body,
                        "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"3\">{}</text:h>",
                        xml(h)
                    );
                }
                Block::Paragraph(s) => {
                    let _ = write!(
                        body,
                        "<text:p text:style-name=\"Text_20_body\">{}</text:p>",
                        spans(s)
                    );
                }
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        let _ = write!(
                            body,
                            "<text:p text:style-name=\"Text_20_body\"><text:span text:style-name=\"Strong\">{} :</text:span> {}</text:p>",
                            xml(label),
                            spans(value)
                        );
                    }
                }
                Block::List(items) => {
                    body.push_str("<text:list>");
                    for (item, details) in items {
                        let _ = write!(
                            body,
                            "<text:list-item><text:p text:style-name=\"Text_20_body\">{}</text:p>",
                            xml(item)
                        );
                        if !details.is_empty() {
                            body.push_str("<text:list>");
                            for d in details {
                                let _ = write!(
                                    body,
                                    "<text:list-item><text:p text:style-name=\"Text_20_body\">{}</text:p></text:list-item>",
                                    xml(d)
                                );
                            }
                            body.push_str("</text:list>");
                        }
                        body.push_str("</text:list-item>");
                    }
                    body.push_str("</text:list>");
                }
            }
        }
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content {ODT_NAMESPACES} office:version=\"1.3\"><office:automatic-styles><style:style style:name=\"Place\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\" fo:background-color=\"#ffe98f\"/></style:style><style:style style:name=\"Strong\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\"/></style:style><style:style style:name=\"Note\" style:family=\"paragraph\" style:parent-style-name=\"Text_20_body\"><style:text-properties fo:font-style=\"italic\"/></style:style></office:automatic-styles><office:body><office:text>{body}</office:text></office:body></office:document-content>\n"
        )
    }
}

const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";

const ODT_NAMESPACES: &str = "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\"";

const ODT_MANIFEST: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" manifest:version=\"1.3\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/><manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>\n";

const ODT_STYLES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-styles xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" office:version=\"1.3\"><office:styles><style:default-style style:family=\"paragraph\"><style:text-properties style:font-name=\"Arial\" fo:font-size=\"11pt\" fo:language=\"fr\" fo:country=\"FR\"/></style:default-style><style:style style:name=\"Text_20_body\" style:display-name=\"Text body\" style:family=\"paragraph\"><style:paragraph-properties fo:margin-bottom=\"0.2cm\"/></style:style><style:style style:name=\"Title\" style:family=\"paragraph\"><style:text-properties fo:font-size=\"20pt\" fo:font-weight=\"bold\"/></style:style><style:style style:name=\"Heading_20_1\" style:display-name=\"Heading 1\" style:family=\"paragraph\" style:default-outline-level=\"2\"><style:paragraph-properties fo:margin-top=\"0.5cm\" fo:margin-bottom=\"0.2cm\"/><style:text-properties fo:font-size=\"15pt\" fo:font-weight=\"bold\"/></style:style><style:style style:name=\"Heading_20_2\" style:display-name=\"Heading 2\" style:family=\"paragraph\" style:default-outline-level=\"3\"><style:paragraph-properties fo:margin-top=\"0.3cm\" fo:margin-bottom=\"0.1cm\"/><style:text-properties fo:font-size=\"12pt\" fo:font-weight=\"bold\"/></style:style></office:styles></office:document-styles>\n";

const HTML_STYLE: &str = "<style>
body { font-family: Marianne, Arial, sans-serif; line-height: 1.5; margin: 2rem auto; max-width: 48rem; color: #161616; }
h1 { font-size: 1.75rem; } h2 { font-size: 1.35rem; border-bottom: 1px solid #ddd; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-bottom: .25rem; }
dt { font-weight: bold; } dd { margin: 0 0 .5rem 0; }
.source { font-style: italic; color: #3a3a3a; }
mark.a-completer { background: #fee9e6; color: #ce0500; padding: 0 .2em; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } mark.a-completer { border: 1px dashed #ce0500; } h2 { break-after: avoid; } li { break-inside: avoid; } }
</style>
";

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes text for XML content (characters XML 1.0 forbids are dropped).
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_for_html_and_xml() {
        assert_eq!(
            escape("<a href=\"x\">l'été & co</a>"),
            "&lt;a href=&quot;x&quot;&gt;l&#39;été &amp; co&lt;/a&gt;"
        );
        assert_eq!(xml("a<b & \u{1}c"), "a&lt;b &amp; c");
    }
}
