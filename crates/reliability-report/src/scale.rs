/// How big a run is: the same value for the harness (`reliability --scale`) and the xtask
/// (`SCALE`), which picks the harness's scale and its own load and schemathesis budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// The sizes the reliability issue asks for (1,000 / 500 / 500 / 500 jobs; 500 direct
    /// uploads).
    Full,
    /// A bounded run for CI (about a fifth of the jobs).
    Ci,
}

impl Scale {
    /// The value as it is written on a command line.
    pub fn as_arg(self) -> &'static str {
        match self {
            Scale::Full => "full",
            Scale::Ci => "ci",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn each_scale_is_written_as_its_command_line_value() {
        for scale in Scale::value_variants() {
            assert_eq!(
                Scale::from_str(scale.as_arg(), false).as_ref(),
                Ok(scale),
                "{scale:?}"
            );
        }
    }
}
