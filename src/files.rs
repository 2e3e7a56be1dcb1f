//! Reading and writing the command line's files: inputs bounded in size, JSON one
//! line per document, errors that name the file.

use std::io::{Read, Write};
use std::path::Path;

use carematch_core::{Error, ErrorKind, FieldPath};

use crate::Failure;

/// Largest problem or plan document read, in bytes (1 GiB: a million needs is ~300 MB).
const MAX_INPUT_BYTES: u64 = 1 << 30;

/// An input error of the command line (not of a document's content).
pub(crate) fn input_error(msg: &str) -> Error {
    Error::new(ErrorKind::Io, FieldPath::root(), msg)
}

/// Writes `bytes` to `path`.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))
}

/// Reads a file, or standard input for `-` / `None`, up to [`MAX_INPUT_BYTES`].
pub(crate) fn read_input(path: Option<&Path>, what: &str) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    let res = match path {
        None => std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) if p.as_os_str() == "-" => std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf),
        Some(p) => {
            std::fs::File::open(p).and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf))
        }
    };
    let name = path.map_or("standard input".to_owned(), |p| p.display().to_string());
    res.map_err(|e| Failure::Input(input_error(&format!("cannot read the {what} {name}: {e}"))))?;
    if buf.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::Input(input_error(&format!(
            "the {what} {name} is larger than {MAX_INPUT_BYTES} bytes"
        ))));
    }
    Ok(buf)
}

/// Writes `value` as one line of JSON to `path`.
pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), Failure> {
    let f = std::fs::File::create(path)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
    json_line(f, value)
}

/// Writes `value` as one line of JSON to standard output.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Failure> {
    json_line(std::io::stdout().lock(), value)
}

fn json_line<T: serde::Serialize>(out: impl Write, value: &T) -> Result<(), Failure> {
    let mut w = std::io::BufWriter::new(out);
    serde_json::to_writer(&mut w, value).map_err(|e| Failure::Other(e.to_string()))?;
    writeln!(w)?;
    w.flush()?;
    Ok(())
}
