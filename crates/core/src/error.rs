//! Errors: one type for everything the engine can refuse, with the field path that
//! caused it.
//!
//! Input errors carry a [`FieldPath`] that renders both as the spec's dotted form
//! (`needs[12].windows[0]`, used in messages) and as a JSON pointer
//! (`/needs/12/windows/0`, the `path` of the wire error object).

use std::fmt;

/// One step of a [`FieldPath`]: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// An object key such as `needs`.
    Key(String),
    /// An array index such as `12`.
    Index(usize),
}

/// Where in the input a problem was found, e.g. `needs[12].windows[0]`.
///
/// ```
/// use carematch_core::FieldPath;
/// let p = FieldPath::root().key("needs").index(12).key("windows").index(0);
/// assert_eq!(p.to_string(), "needs[12].windows[0]");
/// assert_eq!(p.pointer(), "/needs/12/windows/0");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    /// The empty path: the document itself.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by an object key.
    pub fn key(&self, key: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Key(key.to_owned()));
        Self(v)
    }

    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Segment::Index(i));
        Self(v)
    }

    /// The segments, outermost first.
    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// True for the document itself.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path as an RFC 6901 JSON pointer (`/needs/12/windows/0`).
    pub fn pointer(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            s.push('/');
            match seg {
                Segment::Key(k) => s.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i) => s.push_str(&i.to_string()),
            }
        }
        s
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, seg) in self.0.iter().enumerate() {
            match seg {
                Segment::Key(k) if n == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// What kind of refusal an [`Error`] is; maps to the wire `error.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not JSON at all (syntax error, truncated document).
    MalformedJson,
    /// The input is JSON but not a valid problem: wrong type, unknown field, a broken
    /// validation rule, or a size over a documented limit.
    InvalidProblem,
    /// The input is JSON but not a valid plan document (checker input).
    InvalidPlan,
    /// Reading the input failed (file missing, I/O error).
    Io,
}

impl ErrorKind {
    /// The stable machine-readable code used on the wire.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::MalformedJson => "malformed_json",
            ErrorKind::InvalidProblem => "invalid_problem",
            ErrorKind::InvalidPlan => "invalid_plan",
            ErrorKind::Io => "io",
        }
    }
}

/// An input the engine refuses, with the field path that caused it.
///
/// ```
/// use carematch_core::{ErrorKind, Problem};
/// let err = Problem::from_json(br#"{"elders": [], "needs": [], "providers": [], "bogus": 1}"#)
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidProblem);
/// assert!(err.to_string().contains("bogus"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: FieldPath,
    message: String,
}

impl Error {
    /// A new error of `kind` at `path`.
    pub fn new(kind: ErrorKind, path: FieldPath, message: impl Into<String>) -> Self {
        Self {
            kind,
            path,
            message: message.into(),
        }
    }

    /// An [`ErrorKind::InvalidProblem`] at `path`.
    pub fn invalid(path: &FieldPath, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidProblem, path.clone(), message)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The field path that caused it (root when not tied to a field).
    pub fn path(&self) -> &FieldPath {
        &self.path
    }

    /// The message without the path prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The same error, its path placed under the object key `key` (for a document
    /// embedded in a larger request).
    ///
    /// ```
    /// use carematch_core::{Error, FieldPath};
    /// let e = Error::invalid(&FieldPath::root().key("needs").index(3), "bad").within("problem");
    /// assert_eq!(e.path().pointer(), "/problem/needs/3");
    /// ```
    pub fn within(mut self, key: &str) -> Self {
        let mut segments = vec![Segment::Key(key.to_owned())];
        segments.extend(self.path.0);
        self.path = FieldPath(segments);
        self
    }

    /// The same error with its path's leading `prefix` (when it has it) replaced by the
    /// object key `key`: an error inside a part of a document that a request sent on
    /// its own (a need added to a running plan is `needs[k]` inside the problem, but
    /// `need` in the request).
    ///
    /// ```
    /// use carematch_core::{Error, FieldPath};
    /// let k = FieldPath::root().key("needs").index(7);
    /// let e = Error::invalid(&k.key("windows").index(0), "bad").rebase(&k, "need");
    /// assert_eq!(e.path().pointer(), "/need/windows/0");
    /// let other = Error::invalid(&FieldPath::root().key("elders"), "bad").rebase(&k, "need");
    /// assert_eq!(other.path().pointer(), "/elders");
    /// ```
    pub fn rebase(self, prefix: &FieldPath, key: &str) -> Self {
        self.moved(prefix, &FieldPath::root().key(key))
    }

    /// The same error with its path's leading `from` (when it has it) replaced by `to`.
    ///
    /// ```
    /// use carematch_core::{Error, FieldPath};
    /// let k = FieldPath::root().key("needs").index(8);
    /// let e = Error::invalid(&k.key("load"), "bad")
    ///     .moved(&k, &FieldPath::root().key("partners").index(0));
    /// assert_eq!(e.path().to_string(), "partners[0].load");
    /// ```
    pub fn moved(mut self, from: &FieldPath, to: &FieldPath) -> Self {
        if let Some(rest) = self.path.0.strip_prefix(from.segments()) {
            let mut segments = to.0.clone();
            segments.extend_from_slice(rest);
            self.path = FieldPath(segments);
        }
        self
    }

    /// The wire error object of the spec:
    /// `{"error": {"code", "message", "path"}}`.
    pub fn to_wire(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "code": self.kind.code(),
                "message": self.to_string(),
                "path": self.path.pointer(),
            }
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_root() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Parse JSON into `T`, turning serde's errors into an [`Error`] with the field path
/// (syntax errors become [`ErrorKind::MalformedJson`], shape errors `data_kind`).
///
/// ```
/// use carematch_core::{error::from_json, ErrorKind, ProblemInput};
/// let e = from_json::<ProblemInput>(b"{\"needs\": 3", ErrorKind::InvalidProblem).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::MalformedJson);
/// let e = from_json::<ProblemInput>(br#"{"needs": 3}"#, ErrorKind::InvalidProblem).unwrap_err();
/// assert_eq!((e.kind(), e.path().pointer()), (ErrorKind::InvalidProblem, "/needs".to_owned()));
/// ```
pub fn from_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    data_kind: ErrorKind,
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);

    match result {
        Ok(v) => {
            // Trailing garbage after the document is malformed JSON.
            de.end().map_err(|e| {
                Error::new(ErrorKind::MalformedJson, FieldPath::root(), e.to_string())
            })?;
            Ok(v)
        }
        Err(e) => {
            // A document that is not JSON at all is malformed, whatever shape error
            // the typed parse met first.
            if let Err(syntax) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                return Err(Error::new(
                    ErrorKind::MalformedJson,
                    FieldPath::root(),
                    syntax.to_string(),
                ));
            }
            let path = convert_path(e.path());
            let inner = e.into_inner();
            let kind = match inner.classify() {
                serde_json::error::Category::Data => data_kind,
                _ => ErrorKind::MalformedJson,
            };
            Err(Error::new(kind, path, inner.to_string()))
        }
    }
}

fn convert_path(p: &serde_path_to_error::Path) -> FieldPath {
    use serde_path_to_error::Segment as S;
    let mut out = FieldPath::root();
    for seg in p.iter() {
        out = match seg {
            S::Seq { index } => out.index(*index),
            S::Map { key } | S::Enum { variant: key } => out.key(key),
            S::Unknown => out,
        };
    }
    out
}
