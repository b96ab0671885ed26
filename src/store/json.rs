//! Reading the JSON arrays some statements build in the database (one value instead of a row
//! per element: sqlx hands SQLite's rows over from its worker thread one by one).

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, SeqAccess, Visitor};

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
    fn each_element_is_handed_over_in_order_and_bad_text_is_an_error() {
        let mut seen = Vec::new();
        super::for_each::<(i64, Option<String>)>(r#"[[1,"a\"b"],[2,null]]"#, |x| seen.push(x))
            .unwrap();
        assert_eq!(seen, vec![(1, Some("a\"b".into())), (2, None)]);
        assert!(super::for_each::<i64>("[1,2] x", |_| ()).is_err());
        assert!(super::for_each::<i64>("{}", |_| ()).is_err());
    }
}
