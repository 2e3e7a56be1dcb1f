//! `carematch import`: a problem from the spreadsheets a station keeps — elders,
//! needs, providers and, optionally, its own services — as UTF-8 CSV files with a
//! header row (columns in any order; empty cells take the default). Columns:
//!
//! - **elders.csv**: `id`, `lon`, `lat` (required); `area`, `age`, `ability_level`
//!   (0–4), `lives_alone`, `low_income`, `dementia` (`true`/`false`, `yes`/`no`,
//!   `1`/`0`), `prefers`, `avoids` (provider ids, `a;b`), `caregiver_gender`.
//! - **needs.csv**: `id`, `elder`, `service`, `windows` (required); `duration`
//!   (minutes), `priority` (0–100), `skills` (`a;b`), `min_level`, `caregivers`,
//!   `load`, `visits`, `min_gap` (hours).
//! - **providers.csv**: `id`, `kind` (`staff`, `organisation`, `volunteer`), `skills`,
//!   `lon`, `lat`, `shifts` (required); `level`, `gender`, `mode` (`walk`, `bike`,
//!   `ebike`, `car`), `max_visits`, `max_work` (hours per day), `max_visits_total`,
//!   `max_work_total` (hours over the horizon), `capacity`.
//! - **services.csv**: `id` (required); `duration` (minutes), `min_level`,
//!   `volunteer_ok`.
//!
//! Times (`windows`, `shifts`) are `HH:MM-HH:MM` pieces joined by `;`, each optionally
//! after a day, `d2 09:00-11:00` (day 2); with any day given, `options.day_length` is
//! one day. Every error names file, row (the header is row 1) and column, and nothing
//! is written; the problem is then validated as any problem is, and a validation error
//! is reported at the row it comes from.

use std::collections::HashMap;
use std::path::Path;

use carematch_core::wire::ProblemInput;
use carematch_core::{Error, ErrorKind, FieldPath, Problem};
use serde_json::{json, Map, Value};

/// Seconds per day.
const DAY: i64 = 86_400;

/// The files of one import.
pub struct Files<'a> {
    /// elders.csv
    pub elders: &'a Path,
    /// needs.csv
    pub needs: &'a Path,
    /// providers.csv
    pub providers: &'a Path,
    /// services.csv, optional.
    pub services: Option<&'a Path>,
}

/// How a column's cells become JSON.
#[derive(Clone, Copy, PartialEq)]
enum Cell {
    Text,
    Int,
    Number,
    Bool,
    List,
    /// Minutes, to seconds.
    Minutes,
    /// Hours, to seconds.
    Hours,
    /// `HH:MM-HH:MM;…`, to windows.
    Times,
}

/// One file's columns: (column, wire field, kind, required).
type Columns = &'static [(&'static str, &'static str, Cell, bool)];

const ELDERS: Columns = &[
    ("id", "id", Cell::Text, true),
    ("lon", "", Cell::Number, true),
    ("lat", "", Cell::Number, true),
    ("area", "area", Cell::Text, false),
    ("age", "profile.age", Cell::Int, false),
    ("ability_level", "profile.ability_level", Cell::Int, false),
    ("lives_alone", "profile.lives_alone", Cell::Bool, false),
    ("low_income", "profile.low_income", Cell::Bool, false),
    ("dementia", "profile.dementia", Cell::Bool, false),
    ("prefers", "prefers", Cell::List, false),
    ("avoids", "avoids", Cell::List, false),
    ("caregiver_gender", "caregiver_gender", Cell::Text, false),
];

const NEEDS: Columns = &[
    ("id", "id", Cell::Text, true),
    ("elder", "elder", Cell::Text, true),
    ("service", "service", Cell::Text, true),
    ("windows", "windows", Cell::Times, true),
    ("duration", "duration", Cell::Minutes, false),
    ("priority", "priority", Cell::Int, false),
    ("skills", "skills", Cell::List, false),
    ("min_level", "min_level", Cell::Int, false),
    ("caregivers", "caregivers", Cell::Int, false),
    ("load", "load", Cell::Int, false),
    ("visits", "visits", Cell::Int, false),
    ("min_gap", "min_gap", Cell::Hours, false),
];

const PROVIDERS: Columns = &[
    ("id", "id", Cell::Text, true),
    ("kind", "kind", Cell::Text, true),
    ("skills", "skills", Cell::List, true),
    ("lon", "", Cell::Number, true),
    ("lat", "", Cell::Number, true),
    ("shifts", "shifts", Cell::Times, true),
    ("level", "level", Cell::Int, false),
    ("gender", "gender", Cell::Text, false),
    ("mode", "mode", Cell::Text, false),
    ("max_visits", "max_visits", Cell::Int, false),
    ("max_work", "max_work", Cell::Hours, false),
    ("max_visits_total", "max_visits_total", Cell::Int, false),
    ("max_work_total", "max_work_total", Cell::Hours, false),
    ("capacity", "capacity", Cell::Int, false),
];

const SERVICES: Columns = &[
    ("id", "id", Cell::Text, true),
    ("duration", "duration", Cell::Minutes, false),
    ("min_level", "min_level", Cell::Int, false),
    ("volunteer_ok", "volunteer_ok", Cell::Bool, false),
];

/// An error at `file:row:column`.
fn at(file: &str, row: usize, column: &str, msg: impl std::fmt::Display) -> Error {
    let column = if column.is_empty() {
        String::new()
    } else {
        format!(":{column}")
    };
    Error::new(
        ErrorKind::InvalidProblem,
        FieldPath::root(),
        format!("{file}:{row}{column}: {msg}"),
    )
}

/// The problem the files describe, validated.
pub fn import(files: &Files) -> Result<ProblemInput, Error> {
    let mut days = false;
    let (elders, elder_rows) = read(files.elders, ELDERS, &mut days)?;
    let (needs, need_rows) = read(files.needs, NEEDS, &mut days)?;
    let (providers, provider_rows) = read(files.providers, PROVIDERS, &mut days)?;
    let services = match files.services {
        Some(f) => read(f, SERVICES, &mut days)?.0,
        None => Vec::new(),
    };
    let mut problem = json!({"elders": elders, "needs": needs, "providers": providers});
    if !services.is_empty() {
        problem["services"] = Value::Array(services);
    }
    if days {
        problem["options"] = json!({"day_length": DAY});
    }
    let text = problem.to_string();
    let input: ProblemInput = serde_json::from_str(&text)
        .map_err(|e| Error::new(ErrorKind::InvalidProblem, FieldPath::root(), e.to_string()))?;
    // Validation errors name a JSON path; report them at the row they come from.
    if let Err(e) = Problem::from_input(input.clone()) {
        let path = e.path().to_string();
        let rows = [
            ("elders[", files.elders, &elder_rows),
            ("needs[", files.needs, &need_rows),
            ("providers[", files.providers, &provider_rows),
        ];
        for (prefix, file, rows) in rows {
            // A path such as `needs[2].elder`: row 2 of needs.csv, column elder.
            let Some((k, rest)) = path.strip_prefix(prefix).and_then(|r| r.split_once(']')) else {
                continue;
            };
            let row = k
                .parse::<usize>()
                .ok()
                .and_then(|k| rows.get(k).copied())
                .unwrap_or(0);
            let field = rest
                .trim_start_matches('.')
                .split(['.', '['])
                .next()
                .unwrap_or("");
            let column = match field {
                "location" | "start" => "lon",
                f => f,
            };
            return Err(at(&name(file), row, column, e.message()));
        }
        return Err(e);
    }
    Ok(input)
}

/// The file name shown in errors.
fn name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |f| f.to_string_lossy().into_owned(),
    )
}

/// The rows of one file as wire objects, and each row's number in the file.
fn read(path: &Path, columns: Columns, days: &mut bool) -> Result<(Vec<Value>, Vec<usize>), Error> {
    let file = name(path);
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            FieldPath::root(),
            format!("{file}: cannot read: {e}"),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        at(&file, line, "", "not UTF-8 (save the sheet as CSV UTF-8)")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| at(&file, 1, "", e))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (k, h) in header.iter().enumerate() {
        if !columns.iter().any(|c| c.0 == h) {
            let known: Vec<&str> = columns.iter().map(|c| c.0).collect();
            return Err(at(
                &file,
                1,
                h,
                format!("unknown column; columns are {}", known.join(", ")),
            ));
        }
        if index.insert(h.as_str(), k).is_some() {
            return Err(at(&file, 1, h, "column given twice"));
        }
    }
    if let Some(c) = columns.iter().find(|c| c.3 && !index.contains_key(c.0)) {
        return Err(at(&file, 1, c.0, "missing column"));
    }
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e.position().map_or(0, |p| p.line() as usize);
            at(&file, row, "", e)
        })?;
        let row = record.position().map_or(0, |p| p.line() as usize);
        let mut obj = Map::new();
        let mut lon_lat = [None, None];
        for &(column, field, kind, required) in columns {
            let cell = index.get(column).and_then(|&k| record.get(k)).unwrap_or("");
            if cell.is_empty() {
                if required {
                    return Err(at(&file, row, column, "empty"));
                }
                continue;
            }
            let value = parse(cell, kind, days).map_err(|m| at(&file, row, column, m))?;
            match (column, field) {
                ("lon", _) => lon_lat[0] = Some(value),
                ("lat", _) => lon_lat[1] = Some(value),
                (_, f) => match f.split_once('.') {
                    Some((outer, inner)) => {
                        let o = obj.entry(outer).or_insert_with(|| json!({}));
                        o[inner] = value;
                    }
                    None => {
                        obj.insert(f.to_owned(), value);
                    }
                },
            }
        }
        if let [Some(lon), Some(lat)] = lon_lat {
            let key = if columns == PROVIDERS {
                "start"
            } else {
                "location"
            };
            obj.insert(key.to_owned(), json!([lon, lat]));
        }
        out.push(Value::Object(obj));
        lines.push(row);
    }
    Ok((out, lines))
}

/// One cell as JSON, or what is wrong with it.
fn parse(cell: &str, kind: Cell, days: &mut bool) -> Result<Value, String> {
    let number = |s: &str| s.parse::<f64>().ok().filter(|x| x.is_finite());
    Ok(match kind {
        Cell::Text => json!(cell),
        Cell::Int => json!(cell
            .parse::<i64>()
            .map_err(|_| format!("'{cell}' is not a whole number"))?),
        Cell::Number => json!(number(cell).ok_or_else(|| format!("'{cell}' is not a number"))?),
        Cell::Bool => json!(match cell.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" => true,
            "false" | "no" | "0" | "n" => false,
            _ => return Err(format!("'{cell}' is not true or false")),
        }),
        Cell::List => json!(cell
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()),
        Cell::Minutes | Cell::Hours => {
            let x = number(cell)
                .filter(|x| *x >= 0.0)
                .ok_or_else(|| format!("'{cell}' is not a number ≥ 0"))?;
            let unit = if matches!(kind, Cell::Minutes) {
                60.0
            } else {
                3600.0
            };
            json!((x * unit).round() as i64)
        }
        Cell::Times => {
            let mut out = Vec::new();
            for piece in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                out.push(window(piece, days)?);
            }
            json!(out)
        }
    })
}

/// `[dN ]HH:MM-HH:MM` as `[open, close]` seconds.
fn window(piece: &str, days: &mut bool) -> Result<[i64; 2], String> {
    let bad = || format!("'{piece}' is not HH:MM-HH:MM (or d2 HH:MM-HH:MM)");
    let (day, times) = match piece.split_once(' ') {
        Some((d, t)) => {
            let n: i64 = d
                .strip_prefix('d')
                .and_then(|n| n.parse().ok())
                .ok_or_else(bad)?;
            if !(0..=365).contains(&n) {
                return Err(format!("day {n} is not 0 to 365"));
            }
            *days = true;
            (n, t.trim())
        }
        None => (0, piece),
    };
    let (a, b) = times.split_once('-').ok_or_else(bad)?;
    let clock = |s: &str| -> Result<i64, String> {
        let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
        let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m > 0) {
            return Err(format!("'{s}' is not a time of day"));
        }
        Ok(h * 3600 + m * 60)
    };
    Ok([day * DAY + clock(a)?, day * DAY + clock(b)?])
}
