//! `carematch import`: a problem from the spreadsheets a station keeps — elders,
//! needs, providers and, optionally, its own services — as UTF-8 CSV files with a
//! header row (columns in any order; empty cells take the default). Columns:
//!
//! - **elders.csv**: `id`, `lon`, `lat` (required); `area`, `age`, `ability_level`
//!   (0–4), `lives_alone`, `low_income`, `dementia` (`true`/`false`, `yes`/`no`,
//!   `1`/`0`), `prefers`, `avoids` (provider ids, `a;b`), `caregiver_gender`, `walk_limit` (minutes), `budget` (fen).
//! - **needs.csv**: `id`, `elder`, `service`, `windows` (required); `duration`
//!   (minutes), `priority` (0–100), `skills` (`a;b`), `min_level`, `caregivers`,
//!   `load`, `visits`, `min_gap` (hours).
//! - **providers.csv**: `id`, `kind` (`staff`, `organisation`, `volunteer`), `skills`,
//!   `lon`, `lat`, `shifts` (required); `level`, `gender`, `mode` (`walk`, `bike`,
//!   `ebike`, `car`), `max_visits`, `max_work` (hours per day), `max_visits_total`,
//!   `max_work_total` (hours over the horizon), `max_travel` (minutes of travel per
//!   day), `capacity`, `time_bank`, `station`, `group`.
//! - **services.csv**: `id` (required); `duration` (minutes), `min_level`,
//!   `volunteer_ok`, `price` (fen).
//! - **history.csv** (v1.2, the station's visit log): `elder`, `provider`, `start`
//!   (required; `d-7 09:30` is 09:30 seven days before day 0); `service`, `outcome`
//!   (`done`, `missed`), `rating` (1–5), `complaint`, `lifted`.
//!
//! elders.csv may also give `primary` (a provider id) and `primary_only`.
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
    /// history.csv, optional.
    pub history: Option<&'a Path>,
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
    /// `[dN ]HH:MM`, N possibly negative (before day 0), to seconds.
    Instant,
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
    ("walk_limit", "walk_limit", Cell::Minutes, false),
    ("budget", "budget", Cell::Int, false),
    ("primary", "primary", Cell::Text, false),
    ("primary_only", "primary_only", Cell::Bool, false),
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
    ("max_travel", "max_travel", Cell::Minutes, false),
    ("capacity", "capacity", Cell::Int, false),
    ("time_bank", "time_bank", Cell::Bool, false),
    ("station", "station", Cell::Text, false),
    ("group", "group", Cell::Text, false),
];

const HISTORY: Columns = &[
    ("elder", "elder", Cell::Text, true),
    ("provider", "provider", Cell::Text, true),
    ("start", "start", Cell::Instant, true),
    ("service", "service", Cell::Text, false),
    ("outcome", "outcome", Cell::Text, false),
    ("rating", "rating", Cell::Int, false),
    ("complaint", "complaint", Cell::Bool, false),
    ("lifted", "lifted", Cell::Bool, false),
];

const SERVICES: Columns = &[
    ("id", "id", Cell::Text, true),
    ("duration", "duration", Cell::Minutes, false),
    ("min_level", "min_level", Cell::Int, false),
    ("volunteer_ok", "volunteer_ok", Cell::Bool, false),
    ("price", "price", Cell::Int, false),
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
    let (history, history_rows) = match files.history {
        Some(f) => read(f, HISTORY, &mut days)?,
        None => (Vec::new(), Vec::new()),
    };
    let mut problem = json!({"elders": elders, "needs": needs, "providers": providers});
    if !services.is_empty() {
        problem["services"] = Value::Array(services);
    }
    if !history.is_empty() {
        problem["history"] = Value::Array(history);
    }
    if days {
        problem["options"] = json!({"day_length": DAY});
    }
    // From the value, not its text: a coordinate keeps every bit of its cell.
    let input: ProblemInput = serde_json::from_value(problem)
        .map_err(|e| Error::new(ErrorKind::InvalidProblem, FieldPath::root(), e.to_string()))?;
    let history_file = files.history.unwrap_or(Path::new("history.csv"));
    // Validation errors name a JSON path; report them at the row they come from.
    if let Err(e) = Problem::from_input(input.clone()) {
        let path = e.path().to_string();
        let rows = [
            ("elders[", files.elders, &elder_rows),
            ("needs[", files.needs, &need_rows),
            ("providers[", files.providers, &provider_rows),
            ("history[", history_file, &history_rows),
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
    let text = utf8(path, &file)?;
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
    let index = header_index(&file, &header, columns)?;
    let mut out = Vec::new();
    let mut lines = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let row = e.position().map_or(0, |p| p.line() as usize);
            at(&file, row, "", e)
        })?;
        let row = record.position().map_or(0, |p| p.line() as usize);
        out.push(row_object(&file, row, &record, &index, columns, days)?);
        lines.push(row);
    }
    Ok((out, lines))
}

/// The text of file `path` (shown as `file`); a byte that is not UTF-8 is reported at
/// its row and column.
fn utf8(path: &Path, file: &str) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::new(
            ErrorKind::Io,
            FieldPath::root(),
            format!("{file}: cannot read: {e}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        // The row, and the column (by the commas before it on its line, as the
        // header names them), of the first byte that is not UTF-8.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = 1 + good.iter().filter(|&&b| b == b'\n').count();
        let start = good.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        let field = good[start..].iter().filter(|&&b| b == b',').count();
        let header = std::str::from_utf8(good)
            .ok()
            .and_then(|t| t.lines().next())
            .unwrap_or("");
        let column = header
            .trim_start_matches('\u{feff}')
            .split(',')
            .nth(field)
            .unwrap_or("")
            .trim();
        at(
            file,
            line,
            column,
            "not UTF-8 (save the sheet as CSV UTF-8)",
        )
    })
}

/// Each column of `header` by its place; an unknown, repeated or missing column is
/// an error of row 1.
fn header_index<'h>(
    file: &str,
    header: &'h [String],
    columns: Columns,
) -> Result<HashMap<&'h str, usize>, Error> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (k, h) in header.iter().enumerate() {
        if !columns.iter().any(|c| c.0 == h) {
            let known: Vec<&str> = columns.iter().map(|c| c.0).collect();
            return Err(at(
                file,
                1,
                h,
                format!("unknown column; columns are {}", known.join(", ")),
            ));
        }
        if index.insert(h.as_str(), k).is_some() {
            return Err(at(file, 1, h, "column given twice"));
        }
    }
    if let Some(c) = columns.iter().find(|c| c.3 && !index.contains_key(c.0)) {
        return Err(at(file, 1, c.0, "missing column"));
    }
    Ok(index)
}

/// One row as a wire object.
fn row_object(
    file: &str,
    row: usize,
    record: &csv::StringRecord,
    index: &HashMap<&str, usize>,
    columns: Columns,
    days: &mut bool,
) -> Result<Value, Error> {
    let mut obj = Map::new();
    let mut lon_lat = [None, None];
    for &(column, field, kind, required) in columns {
        let cell = index.get(column).and_then(|&k| record.get(k)).unwrap_or("");
        if cell.is_empty() {
            if required {
                return Err(at(file, row, column, "empty"));
            }
            continue;
        }
        let value = parse(cell, kind, days).map_err(|m| at(file, row, column, m))?;
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
    Ok(Value::Object(obj))
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
        Cell::Instant => json!(instant(cell)?),
        Cell::Times => {
            let mut out = Vec::new();
            for piece in cell.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                out.push(window(piece, days)?);
            }
            json!(out)
        }
    })
}

/// `[dN ]HH:MM` as seconds, day N from −365 to 365 (a past visit's day does not make
/// the problem one of several days).
fn instant(piece: &str) -> Result<i64, String> {
    let (day, time) = day_and_rest(piece, -365, &mut false)?;
    Ok(day * DAY + clock(time, piece)?)
}

/// `dN rest` as (N, rest) with N from `min_day` to 365 (`days` then set), or (0,
/// `piece`).
fn day_and_rest<'p>(
    piece: &'p str,
    min_day: i64,
    days: &mut bool,
) -> Result<(i64, &'p str), String> {
    let Some((d, rest)) = piece.split_once(' ') else {
        return Ok((0, piece));
    };
    let n: i64 = d
        .strip_prefix('d')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("'{piece}' does not start with a day such as d2"))?;
    if !(min_day..=365).contains(&n) {
        return Err(format!("day {n} is not {min_day} to 365"));
    }
    *days = true;
    Ok((n, rest.trim()))
}

/// `HH:MM` as seconds of the day.
fn clock(s: &str, piece: &str) -> Result<i64, String> {
    let bad = || format!("'{piece}': '{s}' is not HH:MM");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m > 0) {
        return Err(format!("'{s}' is not a time of day"));
    }
    Ok(h * 3600 + m * 60)
}

/// `[dN ]HH:MM-HH:MM` as `[open, close]` seconds.
fn window(piece: &str, days: &mut bool) -> Result<[i64; 2], String> {
    let bad = || format!("'{piece}' is not HH:MM-HH:MM (or d2 HH:MM-HH:MM)");
    let (day, times) = day_and_rest(piece, 0, days)?;
    let (a, b) = times.split_once('-').ok_or_else(bad)?;
    Ok([day * DAY + clock(a, piece)?, day * DAY + clock(b, piece)?])
}

/// `problem` as the three sheets [`import`] reads (elders, needs, providers), so a
/// problem written in JSON can be kept in a spreadsheet. Errors name what has no
/// column (pins, soft windows, links, travel, services, other options…) or a time not
/// on a whole minute.
pub fn sheets(problem: &ProblemInput) -> Result<[String; 3], String> {
    let v = serde_json::to_value(problem).map_err(|e| e.to_string())?;
    let days = match v.get("options") {
        None => false,
        Some(o) if *o == json!({"day_length": DAY}) => true,
        Some(_) => return Err("options other than day_length 86400 have no column".into()),
    };
    for key in ["travel", "services", "links", "venues"] {
        if v.get(key).is_some() {
            return Err(format!("{key} has no sheet"));
        }
    }
    Ok([
        sheet(&v["elders"], ELDERS, "location", days)?,
        sheet(&v["needs"], NEEDS, "", days)?,
        sheet(&v["providers"], PROVIDERS, "start", days)?,
    ])
}

/// One list of wire objects as CSV with `columns`; `place` is the field the `lon` and
/// `lat` columns come from.
fn sheet(rows: &Value, columns: Columns, place: &str, days: bool) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns.iter().map(|c| c.0))
        .map_err(|e| e.to_string())?;
    for row in rows.as_array().into_iter().flatten() {
        let obj = row.as_object().ok_or("a row is not an object")?;
        // Every field must have a column (the place has two).
        let top = |k: &str| k == place || columns.iter().any(|c| c.1.split('.').next() == Some(k));
        let nested = |k: &str| {
            columns
                .iter()
                .any(|c| c.1.strip_prefix("profile.") == Some(k))
        };
        for (k, v) in obj {
            let fits = top(k)
                && (k != "profile" || v.as_object().is_some_and(|p| p.keys().all(|x| nested(x))));
            if !fits {
                return Err(format!("{k} has no column"));
            }
        }
        let mut record = Vec::with_capacity(columns.len());
        for &(column, field, kind, _) in columns {
            let value = match (column, field.split_once('.')) {
                ("lon" | "lat", _) => obj
                    .get(place)
                    .map(|p| p[usize::from(column == "lat")].clone()),
                (_, Some((outer, inner))) => obj.get(outer).and_then(|o| o.get(inner)).cloned(),
                (_, None) => obj.get(field).cloned(),
            };
            match value.filter(|v| !v.is_null()) {
                Some(value) => {
                    record.push(cell(&value, kind, days).map_err(|e| format!("{column}: {e}"))?)
                }
                None => record.push(String::new()),
            }
        }
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// One JSON value as the cell [`parse`] reads back.
fn cell(v: &Value, kind: Cell, days: bool) -> Result<String, String> {
    let int = || {
        v.as_i64()
            .ok_or_else(|| format!("{v} is not a whole number"))
    };
    Ok(match kind {
        Cell::Text => v.as_str().map_or_else(|| v.to_string(), str::to_owned),
        Cell::Int => int()?.to_string(),
        Cell::Number => v.as_f64().ok_or("not a number")?.to_string(),
        Cell::Bool => v.as_bool().ok_or("not true or false")?.to_string(),
        Cell::List => {
            let items: Vec<&str> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            items.join(";")
        }
        Cell::Minutes => {
            let s = int()?;
            if s % 60 != 0 {
                return Err(format!("{s} s is not whole minutes"));
            }
            (s / 60).to_string()
        }
        Cell::Hours => (int()? as f64 / 3600.0).to_string(),
        Cell::Instant => {
            let t = int()?;
            let day = t.div_euclid(DAY);
            let x = t - day * DAY;
            if x % 60 != 0 {
                return Err(format!("{t} is not on a whole minute"));
            }
            format!("d{day} {:02}:{:02}", x / 3600, x % 3600 / 60)
        }
        Cell::Times => {
            let mut out = Vec::new();
            for w in v.as_array().into_iter().flatten() {
                let (a, b) = (w[0].as_i64().unwrap_or(-1), w[1].as_i64().unwrap_or(-1));
                let day = a.div_euclid(DAY);
                let (x, y) = (a - day * DAY, b - day * DAY);
                if a < 0 || x % 60 != 0 || y % 60 != 0 || y > DAY || (!days && day > 0) {
                    return Err(format!("[{a}, {b}] is not HH:MM-HH:MM of one day"));
                }
                let hm = |t: i64| format!("{:02}:{:02}", t / 3600, t % 3600 / 60);
                let prefix = if days {
                    format!("d{day} ")
                } else {
                    String::new()
                };
                out.push(format!("{prefix}{}-{}", hm(x), hm(y)));
            }
            out.join(";")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SERVICES: [&str; 4] = ["meals", "check_in", "cleaning", "companionship"];

    /// Windows on whole minutes inside one day (`days`: on days 0–3).
    fn windows(days: bool) -> impl Strategy<Value = Vec<[i64; 2]>> {
        prop::collection::vec((0i64..4, 0i64..200, 15i64..200), 1..4).prop_map(move |ws| {
            let mut out: Vec<[i64; 2]> = ws
                .into_iter()
                .enumerate()
                .map(|(k, (d, open, len))| {
                    let day = if days { d * DAY } else { 0 };
                    // Three parts of the day, 07:00–10:19, 11:00–14:19, 15:00–18:19.
                    let open = day + (420 + 240 * k as i64 + open) * 60;
                    [open, open + len * 60]
                })
                .collect();
            out.sort_unstable();
            out
        })
    }

    /// A problem every column of the sheets can hold.
    fn problem() -> impl Strategy<Value = Value> {
        (any::<bool>(), 1usize..5, 1usize..4).prop_flat_map(|(days, elders, providers)| {
            let elder = (0i64..20_000, 0i64..20_000, prop::option::of((60i64..100, 0i64..5, any::<bool>())),
                prop::option::of(0usize..2), prop::option::of(0usize..providers));
            let need = (0usize..elders, 0usize..4, windows(days), prop::option::of(1i64..90),
                prop::option::of(0i64..101), prop::option::of(0i64..3), any::<bool>());
            let provider = (0usize..3, 0i64..20_000, windows(days), prop::option::of(1i64..12),
                prop::option::of(1i64..40), prop::option::of(0usize..4));
            (
                Just(days),
                prop::collection::vec(elder, elders),
                prop::collection::vec(need, 1..6),
                prop::collection::vec(provider, providers),
            )
        })
        .prop_map(|(days, elders, needs, providers)| {
            let gender = ["female", "male"];
            let elders: Vec<Value> = elders.iter().enumerate().map(|(i, &(x, y, profile, g, prefers))| {
                let mut e = json!({"id": format!("e{i}"),
                    "location": [116.3 + x as f64 / 1e6, 39.9 + y as f64 / 1e6]});
                if let Some((age, level, alone)) = profile {
                    e["profile"] = json!({"age": age, "ability_level": level, "lives_alone": alone});
                }
                if let Some(g) = g { e["caregiver_gender"] = json!(gender[g]); }
                if let Some(p) = prefers { e["prefers"] = json!([format!("p{p}")]); }
                e
            }).collect();
            let needs: Vec<Value> = needs.iter().enumerate().map(|(i, (e, s, ws, minutes, priority, level, twice))| {
                let mut n = json!({"id": format!("n{i}"), "elder": format!("e{e}"),
                    "service": SERVICES[*s], "windows": ws});
                if let Some(m) = minutes { n["duration"] = json!(m * 60); }
                if let Some(p) = priority { n["priority"] = json!(p); }
                if let Some(l) = level { n["min_level"] = json!(l); }
                if *twice && ws.len() >= 2 { n["visits"] = json!(2); n["min_gap"] = json!(3_600); }
                n
            }).collect();
            let kinds = ["staff", "organisation", "volunteer"];
            let providers: Vec<Value> = providers.iter().enumerate().map(|(i, (k, x, shifts, visits, hours, mode))| {
                let mut p = json!({"id": format!("p{i}"), "kind": kinds[*k], "skills": SERVICES,
                    "start": [116.31 + *x as f64 / 1e6, 39.91], "shifts": shifts, "level": 2});
                if let Some(v) = visits { p["max_visits"] = json!(v); }
                if let Some(h) = hours {
                    p["max_work_total"] = json!(h * 1_800);
                    p["max_travel"] = json!(h * 120);
                }
                if let Some(m) = mode {
                    p["mode"] = json!(["walk", "bike", "ebike", "car"][*m]);
                    p["time_bank"] = json!(*m % 2 == 0);
                    p["station"] = json!(format!("station-{m}"));
                }
                p
            }).collect();
            let mut v = json!({"elders": elders, "needs": needs, "providers": providers});
            if days { v["options"] = json!({"day_length": DAY}); }
            v
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn a_problem_written_as_sheets_reads_back_the_same(v in problem()) {
            let input: ProblemInput = serde_json::from_value(v).expect("wire");
            prop_assume!(Problem::from_input(input.clone()).is_ok());
            let [elders, needs, providers] = sheets(&input).expect("every field has a column");
            let dir = tempfile::tempdir().unwrap();
            let write = |name: &str, text: &str| {
                let p = dir.path().join(name);
                std::fs::write(&p, text).unwrap();
                p
            };
            let (e, n, p) = (write("elders.csv", &elders), write("needs.csv", &needs), write("providers.csv", &providers));
            let back = import(&Files { elders: &e, needs: &n, providers: &p, services: None, history: None })
                .unwrap_or_else(|err| panic!("{err}\n{needs}"));
            prop_assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&input).unwrap());
        }
    }

    #[test]
    fn what_has_no_column_is_named() {
        let v = json!({"elders": [], "needs": [], "providers": [], "options": {"seed": 3}});
        let input: ProblemInput = serde_json::from_value(v).unwrap();
        assert!(sheets(&input).unwrap_err().contains("options"));
    }
}
