//! Generated months for the billing maths' tests: a small xorshift generator, so every test
//! run draws the same numbers from its seed.

pub struct Gen(pub u64);

impl Gen {
    pub fn draw(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number from 0 to `n` − 1.
    pub fn below(&mut self, n: u64) -> i64 {
        (self.draw() % n) as i64
    }
}
