//! A real `carematch serve` for the end-to-end tests: started on a free loopback
//! port with a store of its own (a SQLite file in a new folder, unless the arguments
//! name one), stopped — or killed with SIGKILL — at will.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

/// A running `carematch serve`; killed on drop.
pub struct Server {
    pub child: Child,
    base: String,
    /// Its data folder, when it made one (kept for a restart).
    pub data: Option<tempfile::TempDir>,
}

impl Server {
    /// `serve` with `extra` arguments; a SQLite store in a new folder unless `extra`
    /// gives `--store` or `--data`.
    pub fn start(extra: &[&str]) -> Server {
        let data = (!extra.iter().any(|a| *a == "--store" || *a == "--data"))
            .then(|| tempfile::tempdir().unwrap());
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        if let Some(d) = &data {
            args.extend(["--data".to_owned(), d.path().display().to_string()]);
        }
        let mut s = Self::spawn(&args);
        s.data = data;
        s
    }

    /// `serve` with exactly `args` (after the address and time limit).
    pub fn spawn(args: &[String]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carematch"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--max-time-limit-ms",
                "60000",
            ])
            .args(args)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .unwrap();
            if let Some(a) = line.strip_prefix("listening on ") {
                break a.to_owned();
            }
        };
        // Keep draining the log so that the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            base: format!("http://{addr}"),
            data: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Kills the process with SIGKILL (no shutdown of any kind) and waits for it.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(120))
        .build()
}

/// Status and JSON body, whatever the status; `None` when the server is gone.
pub fn try_send(req: ureq::Request, body: Option<&Value>) -> Option<(u16, Value)> {
    let res = match body {
        Some(b) => req.send_json(b.clone()),
        None => req.call(),
    };
    let res = match res {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(_) => return None,
    };
    let status = res.status();
    Some((status, res.into_json().unwrap_or(Value::Null)))
}

/// Status and JSON body, whatever the status.
pub fn send(req: ureq::Request, body: Option<&Value>) -> (u16, Value) {
    try_send(req, body).expect("the server answers")
}
