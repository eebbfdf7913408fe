//! The collector's store: one SQLite file in WAL mode, so an answer
//! acknowledged to the widget survives a crash or restart. Idempotency keys
//! are unique: a retried send is acknowledged and stored once. No column can
//! hold an address: the schema has none, and the server never passes one.
//!
//! PostgreSQL is not supported: SQLite handles the write rate of one shop's
//! survey answers with room to spare, and a file is what an owner can back up.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use tailor::core::survey::SurveyKind;
use tailor::core::topics::Topic;
use thiserror::Error;

use super::wire::{kind_name, CleanAnswer, CleanReport, SlotBits};

#[derive(Debug, Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Whether a post was new or a repeat of one already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    Duplicate,
}

pub struct Db {
    conn: Connection,
}

/// One stored answer, as read back.
#[derive(Debug, Clone)]
pub struct AnswerRow {
    pub day: String,
    pub survey: String,
    pub kind: SurveyKind,
    pub score: u8,
    pub randomized: bool,
    pub topic: Option<Topic>,
    pub comment: Option<String>,
    pub locale: String,
    pub context: Option<String>,
}

/// One slot of one stored daily report.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub slot: String,
    pub bits: SlotBits,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS answers (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  day TEXT NOT NULL,
  survey TEXT NOT NULL,
  kind TEXT NOT NULL,
  score INTEGER NOT NULL,
  randomized INTEGER NOT NULL,
  topic TEXT,
  comment TEXT,
  locale TEXT NOT NULL,
  context TEXT
);
CREATE TABLE IF NOT EXISTS reports (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  day TEXT NOT NULL,
  slot TEXT NOT NULL,
  shown INTEGER NOT NULL,
  clicked INTEGER NOT NULL,
  bought INTEGER NOT NULL,
  revenue INTEGER,
  UNIQUE (key, slot)
);
";

impl Db {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        // WAL + NORMAL: committed writes survive a process crash; the file
        // stays readable by `sqlite3` while the server runs.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        // Files made before revenue reports: add the column (old rows: NULL).
        let has_revenue: bool = conn.query_row(
            "SELECT COUNT(*) FROM pragma_table_info('reports') WHERE name = 'revenue'",
            [],
            |row| row.get(0),
        )?;
        if !has_revenue {
            conn.execute_batch("ALTER TABLE reports ADD COLUMN revenue INTEGER")?;
        }
        Ok(Self { conn })
    }

    pub fn insert_answer(&self, a: &CleanAnswer, day: &str) -> Result<Stored, DbError> {
        let changed = self.conn.execute(
            "INSERT INTO answers (key, day, survey, kind, score, randomized, topic, comment, locale, context)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(key) DO NOTHING",
            params![
                a.key,
                day,
                a.survey,
                kind_name(a.kind),
                a.score,
                a.randomized,
                a.topic.map(Topic::name),
                a.comment,
                a.locale,
                a.context
            ],
        )?;
        if changed == 1 {
            return Ok(Stored::New);
        }
        // The same response again: a retry, or the comment the shopper added
        // after the one-tap score. It may fill in a missing comment or topic
        // of the same survey, never change what is already stored.
        self.conn.execute(
            "UPDATE answers SET comment = COALESCE(comment, ?2), topic = COALESCE(topic, ?3)
             WHERE key = ?1 AND survey = ?4 AND ((comment IS NULL AND ?2 IS NOT NULL) OR (topic IS NULL AND ?3 IS NOT NULL))",
            params![a.key, a.comment, a.topic.map(Topic::name), a.survey],
        )?;
        Ok(Stored::Duplicate)
    }

    pub fn insert_report(&mut self, r: &CleanReport, day: &str) -> Result<Stored, DbError> {
        let tx = self.conn.transaction()?;
        let seen: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM reports WHERE key = ?1 LIMIT 1",
                [&r.key],
                |row| row.get(0),
            )
            .optional()?;
        if seen.is_some() {
            return Ok(Stored::Duplicate);
        }
        for (slot, bits) in &r.slots {
            tx.execute(
                "INSERT INTO reports (key, day, slot, shown, clicked, bought, revenue) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![r.key, day, slot, bits.shown, bits.clicked, bits.bought, bits.revenue],
            )?;
        }
        tx.commit()?;
        Ok(Stored::New)
    }

    pub fn answers(&self) -> Result<Vec<AnswerRow>, DbError> {
        let mut stmt = self.conn.prepare(
            "SELECT day, survey, kind, score, randomized, topic, comment, locale, context FROM answers ORDER BY id",
        )?;
        let rows = stmt.query_map([], |row| {
            let kind: String = row.get(2)?;
            let topic: Option<String> = row.get(5)?;
            Ok(AnswerRow {
                day: row.get(0)?,
                survey: row.get(1)?,
                // Rows were validated on the way in; an unknown kind would be
                // a hand-edited file: read it as CSAT rather than fail the page.
                kind: SurveyKind::parse(&kind).unwrap_or(SurveyKind::Csat),
                score: row.get(3)?,
                randomized: row.get(4)?,
                topic: topic.as_deref().and_then(Topic::parse),
                comment: row.get(6)?,
                locale: row.get(7)?,
                context: row.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn reports(&self) -> Result<Vec<ReportRow>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT slot, shown, clicked, bought, revenue FROM reports ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok(ReportRow {
                slot: row.get(0)?,
                bits: SlotBits {
                    shown: row.get(1)?,
                    clicked: row.get(2)?,
                    bought: row.get(3)?,
                    revenue: row.get(4)?,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of distinct daily reports (devices × days).
    pub fn report_count(&self) -> Result<u64, DbError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(DISTINCT key) FROM reports", [], |row| {
                row.get(0)
            })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_from_before_revenue_reports_is_upgraded_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            let old = Connection::open(&path).unwrap();
            old.execute_batch(
                "CREATE TABLE reports (id INTEGER PRIMARY KEY, key TEXT NOT NULL, day TEXT NOT NULL,
                   slot TEXT NOT NULL, shown INTEGER NOT NULL, clicked INTEGER NOT NULL,
                   bought INTEGER NOT NULL, UNIQUE (key, slot));
                 INSERT INTO reports (key, day, slot, shown, clicked, bought)
                   VALUES ('old-report-1', '2026-11-01', 'similar', 1, 0, 0);",
            )
            .unwrap();
        }
        let mut db = Db::open(&path).unwrap();
        let bits = |revenue| SlotBits {
            shown: true,
            clicked: true,
            bought: false,
            revenue,
        };
        let report = CleanReport {
            key: "new-report-1".into(),
            slots: vec![("similar".into(), bits(Some(3)))],
        };
        assert_eq!(
            db.insert_report(&report, "2026-11-02").unwrap(),
            Stored::New
        );
        assert_eq!(
            db.insert_report(&report, "2026-11-02").unwrap(),
            Stored::Duplicate
        );
        let revenues: Vec<Option<u8>> = db
            .reports()
            .unwrap()
            .iter()
            .map(|r| r.bits.revenue)
            .collect();
        assert_eq!(
            revenues,
            [None, Some(3)],
            "old rows kept, new ones with revenue"
        );
        drop(db);
        // Opening again (a restart) neither fails nor loses anything.
        assert_eq!(Db::open(&path).unwrap().report_count().unwrap(), 2);
    }
}
