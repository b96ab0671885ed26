//! Reading the JSON arrays some statements build in the database (one value instead of a row
//! per element: sqlx hands SQLite's rows over from its worker thread one by one).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

use super::{Conn, ConnRef};

/// One statement that returns its rows as one JSON array (`[]` for none), in each store's
/// words: SQLite's `json_group_array`, PostgreSQL's `json_agg`. Made by [`json_rows!`], so
/// the columns, order and rest of the statement are written once for both.
#[derive(Debug, Clone, Copy)]
pub struct JsonRows {
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl JsonRows {
    /// The text for the store `c` is on.
    pub fn on(&self, c: &mut impl Conn) -> &'static str {
        match c.conn() {
            ConnRef::Sqlite(_) => self.sqlite,
            ConnRef::Postgres(_) => self.postgres,
        }
    }
}

/// A [`JsonRows`]: `array:` each row an array of the columns, or `value:` each row one value;
/// `order:` the elements' order; `from:` the rest of the statement, after `FROM`.
macro_rules! json_rows {
    (array: $cols:expr, order: $order:expr, from: $from:expr $(,)?) => {
        $crate::store::json::JsonRows {
            sqlite: concat!(
                "SELECT json_group_array(json_array(",
                $cols,
                ") ORDER BY ",
                $order,
                ") FROM ",
                $from
            ),
            postgres: concat!(
                "SELECT coalesce(json_agg(json_build_array(",
                $cols,
                ") ORDER BY ",
                $order,
                "), '[]'::json)::TEXT FROM ",
                $from
            ),
        }
    };
    (value: $col:expr, order: $order:expr, from: $from:expr $(,)?) => {
        $crate::store::json::JsonRows {
            sqlite: concat!(
                "SELECT json_group_array(",
                $col,
                " ORDER BY ",
                $order,
                ") FROM ",
                $from
            ),
            postgres: concat!(
                "SELECT coalesce(json_agg(",
                $col,
                " ORDER BY ",
                $order,
                "), '[]'::json)::TEXT FROM ",
                $from
            ),
        }
    };
}
pub(crate) use json_rows;

/// Hands each element of the JSON array `json` to `each` as it is parsed, keeping none.
pub fn for_each<T>(json: &str, each: impl FnMut(T)) -> serde_json::Result<()>
where
    T: for<'de> Deserialize<'de>,
{
    struct Each<F, T>(F, PhantomData<T>);

    impl<'de, F: FnMut(T), T: Deserialize<'de>> Visitor<'de> for Each<F, T> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON array")
        }

        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(x) = seq.next_element::<T>()? {
                (self.0)(x);
            }
            Ok(())
        }
    }

    let mut de = serde_json::Deserializer::from_str(json);
    (&mut de).deserialize_seq(Each(each, PhantomData))?;
    de.end()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_statement_is_written_for_both_stores() {
        let rows = json_rows!(array: "a, b", order: "a", from: "t WHERE x = $1");
        assert_eq!(
            rows.sqlite,
            "SELECT json_group_array(json_array(a, b) ORDER BY a) FROM t WHERE x = $1"
        );
        assert_eq!(
            rows.postgres,
            "SELECT coalesce(json_agg(json_build_array(a, b) ORDER BY a), '[]'::json)::TEXT \
             FROM t WHERE x = $1"
        );
        let ids = json_rows!(value: "id", order: "id", from: "t");
        assert_eq!(ids.sqlite, "SELECT json_group_array(id ORDER BY id) FROM t");
        assert_eq!(
            ids.postgres,
            "SELECT coalesce(json_agg(id ORDER BY id), '[]'::json)::TEXT FROM t"
        );
    }

    #[test]
    fn each_element_is_handed_over_in_order_and_bad_text_is_an_error() {
        let mut seen = Vec::new();
        super::for_each::<(i64, Option<String>)>(r#"[[1,"a\"b"],[2,null]]"#, |x| seen.push(x))
            .unwrap();
        assert_eq!(seen, vec![(1, Some("a\"b".into())), (2, None)]);
        assert!(super::for_each::<i64>("[1,2] x", |_| ()).is_err());
        assert!(super::for_each::<i64>("{}", |_| ()).is_err());
    }
}
