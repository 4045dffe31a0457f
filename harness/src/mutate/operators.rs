//! The mutation operators, applied to a module parsed by `aiken-lang` and printed back by its
//! formatter, so that every mutant is formatted Aiken that differs from the module in one
//! place. Where an operator needs a type (two arguments of one type, a `when` or `if` that
//! returns a Bool), it reads it from the module as the compiler typed it ([`Types`]).

use aiken_lang::{
    ast::{
        BinOp, Definition, LogicalOpChainKind, ModuleKind, Pattern, Span, TypedDefinition,
        TypedModule, UntypedModule,
    },
    expr::{TypedExpr, UntypedExpr},
};
use num_bigint::BigInt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a mutant changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operator {
    /// `<` ↔ `<=`, `>` ↔ `>=`, `==` ↔ `!=`.
    Comparison,
    /// An integer literal moved by one, either way.
    IntConstant,
    /// A boolean `expect` whose condition is replaced by `True`.
    ExpectTrue,
    /// One conjunct of `and {}` or `&&` replaced by `True`.
    ConjunctTrue,
    /// `||` ↔ `&&`, `or {}` ↔ `and {}`.
    OrAnd,
    /// A branch of a `when` or an `if` that returns a Bool made to return `True`.
    BranchTrue,
    /// Two arguments of the same type swapped in a call (not two literals).
    ArgSwap,
}

impl Operator {
    /// Every operator, in report order.
    pub const ALL: [Operator; 7] = [
        Operator::Comparison,
        Operator::IntConstant,
        Operator::ExpectTrue,
        Operator::ConjunctTrue,
        Operator::OrAnd,
        Operator::BranchTrue,
        Operator::ArgSwap,
    ];

    /// The name reports and the equivalent-mutant list use.
    pub fn name(self) -> &'static str {
        match self {
            Operator::Comparison => "comparison",
            Operator::IntConstant => "int-constant",
            Operator::ExpectTrue => "expect-true",
            Operator::ConjunctTrue => "conjunct-true",
            Operator::OrAnd => "or-and",
            Operator::BranchTrue => "branch-true",
            Operator::ArgSwap => "arg-swap",
        }
    }
}

/// One mutant of a module: its whole source, and where and how it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub operator: Operator,
    /// The definition it changes (`fill`, `one_way_swap.spend`).
    pub function: String,
    /// The first changed line, 1-based, in the original.
    pub line: usize,
    /// How many lines of the original it changes.
    pub lines: usize,
    /// The original's changed lines, trimmed and joined by a space.
    pub before: String,
    /// The mutant's.
    pub after: String,
    /// The mutated module, formatted.
    pub source: String,
}

/// The type of every expression of a typed module, by its span (`Int`, `Bool`, `List<Input>`).
#[derive(Debug, Clone, Default)]
pub struct Types(HashMap<(usize, usize), String>);

impl Types {
    /// The types of the expressions of a module as the compiler typed it.
    pub fn of(module: &TypedModule) -> Types {
        let mut types = Types::default();
        for definition in &module.definitions {
            match definition {
                TypedDefinition::Fn(f) => types.collect(&f.body),
                TypedDefinition::Validator(v) => {
                    for handler in v.handlers.iter().chain([&v.fallback]) {
                        types.collect(&handler.body);
                    }
                }
                TypedDefinition::ModuleConstant(c) => types.collect(&c.value),
                _ => {}
            }
        }
        types
    }

    fn get(&self, span: Span) -> Option<&str> {
        self.0.get(&(span.start, span.end)).map(String::as_str)
    }

    fn is_bool(&self, span: Span) -> bool {
        self.get(span) == Some("Bool")
    }

    fn collect(&mut self, expr: &TypedExpr) {
        let span = expr.location();
        let tipo = aiken_lang::tipo::Type::collapse_links(expr.tipo());
        self.0
            .entry((span.start, span.end))
            .or_insert_with(|| tipo.to_pretty(0));
        let mut each = |exprs: &mut dyn Iterator<Item = &TypedExpr>| {
            for e in exprs {
                self.collect(e);
            }
        };
        match expr {
            TypedExpr::Sequence { expressions, .. } | TypedExpr::Pipeline { expressions, .. } => {
                each(&mut expressions.iter())
            }
            TypedExpr::Fn { body, .. } => each(&mut std::iter::once(&**body)),
            TypedExpr::List { elements, tail, .. } => {
                each(&mut elements.iter().chain(tail.as_deref()))
            }
            TypedExpr::Call { fun, args, .. } => {
                each(&mut std::iter::once(&**fun).chain(args.iter().map(|a| &a.value)))
            }
            TypedExpr::BinOp { left, right, .. } => each(&mut [&**left, &**right].into_iter()),
            TypedExpr::Assignment { value, .. } => each(&mut std::iter::once(&**value)),
            TypedExpr::Trace { then, .. } => each(&mut std::iter::once(&**then)),
            TypedExpr::When {
                subject, clauses, ..
            } => each(&mut std::iter::once(&**subject).chain(clauses.iter().map(|c| &c.then))),
            TypedExpr::If {
                branches,
                final_else,
                ..
            } => each(
                &mut branches
                    .iter()
                    .flat_map(|b| [&b.condition, &b.body])
                    .chain([&**final_else]),
            ),
            TypedExpr::RecordAccess { record: inner, .. }
            | TypedExpr::TupleIndex { tuple: inner, .. }
            | TypedExpr::UnOp { value: inner, .. } => each(&mut std::iter::once(&**inner)),
            TypedExpr::Tuple { elems, .. } => each(&mut elems.iter()),
            TypedExpr::Pair { fst, snd, .. } => each(&mut [&**fst, &**snd].into_iter()),
            TypedExpr::RecordUpdate { spread, args, .. } => {
                each(&mut std::iter::once(&**spread).chain(args.iter().map(|a| &a.value)))
            }
            _ => {}
        }
    }
}

/// Why a module cannot be mutated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("{path}: does not parse: {message}")]
    Parse { path: String, message: String },
    #[error(
        "{path}: the Aiken formatter would change it (run `cargo run -p harness --example aiken_fmt`)"
    )]
    Unformatted { path: String },
}

/// Every mutant of the module `source` (at `path`, of `kind`), in source order: each one
/// operator applied at one place, formatted. Definitions that are tests or benchmarks are left
/// alone, and so are trace labels (the scripts of record drop them); a mutant that formats to
/// the original, or to an earlier mutant, is left out.
pub fn variants(
    path: &str,
    source: &str,
    kind: ModuleKind,
    types: &Types,
) -> Result<Vec<Variant>, Error> {
    let (module, extra) =
        aiken_lang::parser::module(source, kind).map_err(|errors| Error::Parse {
            path: path.to_string(),
            message: errors
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
    let format = |module: UntypedModule| {
        let mut out = String::new();
        aiken_lang::format::pretty(&mut out, module, extra.clone(), source);
        out
    };
    if format(module.clone()) != source {
        return Err(Error::Unformatted {
            path: path.to_string(),
        });
    }
    // Each candidate with the position, in visiting order, of the node it replaces.
    let mut sites = Vec::new();
    let mut node = 0;
    visit_module(&mut module.clone(), &mut |expr, function| {
        for (operator, replacement) in candidates(expr, types) {
            sites.push((node, operator, function.to_string(), replacement));
        }
        node += 1;
    });
    let mut seen = std::collections::HashSet::new();
    seen.insert(source.to_string());
    let mut variants = Vec::new();
    for (target, operator, function, replacement) in sites {
        let mut mutated = module.clone();
        let mut node = 0;
        let mut pending = Some(replacement);
        visit_module(&mut mutated, &mut |expr, _| {
            if node == target
                && let Some(replacement) = pending.take()
            {
                *expr = replacement;
            }
            node += 1;
        });
        let text = format(mutated);
        if !seen.insert(text.clone()) {
            continue;
        }
        let (line, lines, before, after) = changed_lines(source, &text);
        variants.push(Variant {
            operator,
            function,
            line,
            lines,
            before,
            after,
            source: text,
        });
    }
    Ok(variants)
}

/// Where `after` differs from `before`: the first changed line (1-based), how many lines of
/// `before` changed, and the changed lines of each, trimmed and joined by a space.
pub fn changed_lines(before: &str, after: &str) -> (usize, usize, String, String) {
    let old: Vec<&str> = before.lines().collect();
    let new: Vec<&str> = after.lines().collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let join = |lines: &[&str]| {
        lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        prefix + 1,
        old.len() - suffix - prefix,
        join(&old[prefix..old.len() - suffix]),
        join(&new[prefix..new.len() - suffix]),
    )
}

/// `True`, at `location`.
fn truth(location: Span) -> UntypedExpr {
    UntypedExpr::Var {
        location,
        name: "True".to_string(),
    }
}

/// A literal: a number, bytes, a string, `True` or `False`.
fn is_literal(expr: &UntypedExpr) -> bool {
    match expr {
        UntypedExpr::UInt { .. } | UntypedExpr::ByteArray { .. } | UntypedExpr::String { .. } => {
            true
        }
        UntypedExpr::Var { name, .. } => name == "True" || name == "False",
        _ => false,
    }
}

fn is_true(expr: &UntypedExpr) -> bool {
    matches!(expr, UntypedExpr::Var { name, .. } if name == "True")
}

/// The mutants of one expression node, each the node it becomes.
fn candidates(expr: &UntypedExpr, types: &Types) -> Vec<(Operator, UntypedExpr)> {
    let mut out = Vec::new();
    let mut push = |operator, edit: &dyn Fn(&mut UntypedExpr)| {
        let mut mutated = expr.clone();
        edit(&mut mutated);
        out.push((operator, mutated));
    };
    match expr {
        UntypedExpr::BinOp {
            name, left, right, ..
        } => {
            let flipped = match name {
                BinOp::Eq => Some((Operator::Comparison, BinOp::NotEq)),
                BinOp::NotEq => Some((Operator::Comparison, BinOp::Eq)),
                BinOp::LtInt => Some((Operator::Comparison, BinOp::LtEqInt)),
                BinOp::LtEqInt => Some((Operator::Comparison, BinOp::LtInt)),
                BinOp::GtInt => Some((Operator::Comparison, BinOp::GtEqInt)),
                BinOp::GtEqInt => Some((Operator::Comparison, BinOp::GtInt)),
                BinOp::And => Some((Operator::OrAnd, BinOp::Or)),
                BinOp::Or => Some((Operator::OrAnd, BinOp::And)),
                _ => None,
            };
            if let Some((operator, op)) = flipped {
                push(operator, &|e| {
                    if let UntypedExpr::BinOp { name, .. } = e {
                        *name = op;
                    }
                });
            }
            if *name == BinOp::And {
                // Each conjunct of a `&&` chain once: nested `&&`s are their own nodes.
                let conjunct = |side: &UntypedExpr| {
                    !is_true(side)
                        && !matches!(
                            side,
                            UntypedExpr::BinOp {
                                name: BinOp::And,
                                ..
                            }
                        )
                };
                if conjunct(left) {
                    push(Operator::ConjunctTrue, &|e| {
                        if let UntypedExpr::BinOp { left, .. } = e {
                            **left = truth(left.location());
                        }
                    });
                }
                if conjunct(right) {
                    push(Operator::ConjunctTrue, &|e| {
                        if let UntypedExpr::BinOp { right, .. } = e {
                            **right = truth(right.location());
                        }
                    });
                }
            }
        }
        UntypedExpr::LogicalOpChain {
            kind, expressions, ..
        } => {
            let other = match kind {
                LogicalOpChainKind::And => LogicalOpChainKind::Or,
                LogicalOpChainKind::Or => LogicalOpChainKind::And,
            };
            push(Operator::OrAnd, &|e| {
                if let UntypedExpr::LogicalOpChain { kind, .. } = e {
                    *kind = other.clone();
                }
            });
            if *kind == LogicalOpChainKind::And {
                for (i, conjunct) in expressions.iter().enumerate() {
                    if !is_true(conjunct) {
                        push(Operator::ConjunctTrue, &|e| {
                            if let UntypedExpr::LogicalOpChain { expressions, .. } = e {
                                expressions[i] = truth(expressions[i].location());
                            }
                        });
                    }
                }
            }
        }
        UntypedExpr::UInt { value, .. } => {
            if let Ok(n) = value.parse::<BigInt>() {
                for moved in [&n + 1, &n - 1] {
                    push(Operator::IntConstant, &|e| set_int(e, &moved));
                }
            }
        }
        UntypedExpr::Assignment {
            kind: aiken_lang::ast::AssignmentKind::Expect { .. },
            patterns,
            value,
            ..
        } if patterns.len() == 1 && is_true_pattern(&patterns[0].pattern) && !is_true(value) => {
            push(Operator::ExpectTrue, &|e| {
                if let UntypedExpr::Assignment { value, .. } = e {
                    **value = truth(value.location());
                }
            });
        }
        UntypedExpr::When {
            location, clauses, ..
        } if types.is_bool(*location) => {
            for (i, clause) in clauses.iter().enumerate() {
                if !is_true(&clause.then) {
                    push(Operator::BranchTrue, &|e| {
                        if let UntypedExpr::When { clauses, .. } = e {
                            clauses[i].then = truth(clauses[i].then.location());
                        }
                    });
                }
            }
        }
        UntypedExpr::If {
            location,
            branches,
            final_else,
        } if types.is_bool(*location) => {
            for (i, branch) in branches.iter().enumerate() {
                if !is_true(&branch.body) {
                    push(Operator::BranchTrue, &|e| {
                        if let UntypedExpr::If { branches, .. } = e {
                            branches[i].body = truth(branches[i].body.location());
                        }
                    });
                }
            }
            if !is_true(final_else) {
                push(Operator::BranchTrue, &|e| {
                    if let UntypedExpr::If { final_else, .. } = e {
                        **final_else = truth(final_else.location());
                    }
                });
            }
        }
        UntypedExpr::Call { arguments, .. } => {
            for i in 0..arguments.len() {
                for j in i + 1..arguments.len() {
                    let (a, b) = (&arguments[i].value, &arguments[j].value);
                    let same = types.get(a.location()).is_some()
                        && types.get(a.location()) == types.get(b.location());
                    // Two literals trading places are two constants changed.
                    if same && !(is_literal(a) && is_literal(b)) {
                        push(Operator::ArgSwap, &|e| {
                            if let UntypedExpr::Call { arguments, .. } = e {
                                let first = arguments[i].value.clone();
                                arguments[i].value = arguments[j].value.clone();
                                arguments[j].value = first;
                            }
                        });
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// Sets an integer literal to `n`; a negative `n` becomes `-` applied to its magnitude, as the
/// parser reads `-1`.
fn set_int(expr: &mut UntypedExpr, n: &BigInt) {
    let UntypedExpr::UInt { location, base, .. } = expr.clone() else {
        return;
    };
    let magnitude = UntypedExpr::UInt {
        location,
        value: n.magnitude().to_string(),
        base,
    };
    *expr = if n.sign() == num_bigint::Sign::Minus {
        UntypedExpr::UnOp {
            op: aiken_lang::ast::UnOp::Negate,
            location,
            value: Box::new(magnitude),
        }
    } else {
        magnitude
    };
}

fn is_true_pattern<A, B, C, D>(pattern: &Pattern<A, B, C, D>) -> bool {
    matches!(pattern, Pattern::Constructor { name, arguments, .. } if name == "True" && arguments.is_empty())
}

/// Calls `visit` on every expression of the module's functions, validator handlers and
/// constants, parents before children, with the name of the definition it is in.
fn visit_module(module: &mut UntypedModule, visit: &mut dyn FnMut(&mut UntypedExpr, &str)) {
    for definition in &mut module.definitions {
        match definition {
            Definition::Fn(f) => {
                let name = f.name.clone();
                visit_expr(&mut f.body, &mut |e| visit(e, &name));
            }
            Definition::Validator(v) => {
                let validator = v.name.clone();
                for handler in v.handlers.iter_mut().chain([&mut v.fallback]) {
                    let name = format!("{validator}.{}", handler.name);
                    visit_expr(&mut handler.body, &mut |e| visit(e, &name));
                }
            }
            Definition::ModuleConstant(c) => {
                let name = c.name.clone();
                visit_expr(&mut c.value, &mut |e| visit(e, &name));
            }
            _ => {}
        }
    }
}

/// `visit` on `expr` and then on every expression inside it, except trace labels and
/// arguments, which the scripts of record drop.
fn visit_expr(expr: &mut UntypedExpr, visit: &mut dyn FnMut(&mut UntypedExpr)) {
    visit(expr);
    let mut each = |exprs: &mut dyn Iterator<Item = &mut UntypedExpr>| {
        for e in exprs {
            visit_expr(e, visit);
        }
    };
    use std::iter::once;
    match expr {
        UntypedExpr::Sequence { expressions, .. }
        | UntypedExpr::LogicalOpChain { expressions, .. } => each(&mut expressions.iter_mut()),
        UntypedExpr::PipeLine { expressions, .. } => each(&mut expressions.iter_mut()),
        UntypedExpr::Fn { body, .. } => each(&mut once(&mut **body)),
        UntypedExpr::List { elements, tail, .. } => {
            each(&mut elements.iter_mut().chain(tail.as_deref_mut()))
        }
        UntypedExpr::Call { arguments, fun, .. } => {
            each(&mut once(&mut **fun).chain(arguments.iter_mut().map(|a| &mut a.value)))
        }
        UntypedExpr::BinOp { left, right, .. } => {
            each(&mut [&mut **left, &mut **right].into_iter())
        }
        UntypedExpr::Assignment { value, .. }
        | UntypedExpr::TraceIfFalse { value, .. }
        | UntypedExpr::UnOp { value, .. } => each(&mut once(&mut **value)),
        UntypedExpr::Trace { then, .. } => each(&mut once(&mut **then)),
        UntypedExpr::When {
            subject, clauses, ..
        } => each(&mut once(&mut **subject).chain(clauses.iter_mut().map(|c| &mut c.then))),
        UntypedExpr::If {
            branches,
            final_else,
            ..
        } => each(
            &mut branches
                .iter_mut()
                .flat_map(|b| [&mut b.condition, &mut b.body])
                .chain(once(&mut **final_else)),
        ),
        UntypedExpr::FieldAccess {
            container: inner, ..
        }
        | UntypedExpr::TupleIndex { tuple: inner, .. } => each(&mut once(&mut **inner)),
        UntypedExpr::Tuple { elems, .. } => each(&mut elems.iter_mut()),
        UntypedExpr::Pair { fst, snd, .. } => each(&mut [&mut **fst, &mut **snd].into_iter()),
        UntypedExpr::RecordUpdate {
            constructor,
            spread,
            arguments,
            ..
        } => each(
            &mut [&mut **constructor, &mut *spread.base]
                .into_iter()
                .chain(arguments.iter_mut().map(|a| &mut a.value)),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small library module, formatted by the Aiken formatter, and its types as the compiler
    /// gives them.
    fn typed(source: &str) -> (String, Types) {
        let (module, extra) = aiken_lang::parser::module(source, ModuleKind::Lib).unwrap();
        let mut formatted = String::new();
        aiken_lang::format::pretty(&mut formatted, module, extra, source);
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("harness-operators-{}-{n}", std::process::id()));
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::create_dir_all(dir.join("validators")).unwrap();
        std::fs::write(
            dir.join("aiken.toml"),
            "name = \"t/t\"\nversion = \"0.0.0\"\nplutus = \"v3\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("lib/m.ak"), &formatted).unwrap();
        let (_, mut types) = super::super::kill::compile(&dir, true).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        (formatted, types.remove("m").unwrap())
    }

    const MODULE: &str = r#"
pub fn check(a: Int, b: Int, c: ByteArray) -> Bool {
  let d = a + 1
  /// RULE-01: a is below b
  expect a < b
  and {
    a >= 0,
    b != d,
  } || pick(c, a, b)
}

fn pick(x: ByteArray, y: Int, z: Int) -> Bool {
  when y is {
    0 -> False
    _ -> z > 2 && x == #"00"
  }
}

fn label(n: Int) -> Int {
  if n == 0 {
    1
  } else {
    2
  }
}
"#;

    fn mutants() -> Vec<(Operator, String, String)> {
        let (source, types) = typed(MODULE);
        variants("lib/m.ak", &source, ModuleKind::Lib, &types)
            .unwrap()
            .into_iter()
            .map(|v| (v.operator, v.before, v.after))
            .collect()
    }

    #[test]
    fn each_operator_gives_its_mutants_in_source_order() {
        use Operator::*;
        let expected = [
            (IntConstant, "let d = a + 1", "let d = a + 2"),
            (IntConstant, "let d = a + 1", "let d = a + 0"),
            (ExpectTrue, "expect a < b", "expect True"),
            (Comparison, "expect a < b", "expect a <= b"),
            (OrAnd, "} || pick(c, a, b)", "} && pick(c, a, b)"),
            (OrAnd, "and {", "or {"),
            (ConjunctTrue, "a >= 0,", "True,"),
            (ConjunctTrue, "b != d,", "True,"),
            (Comparison, "a >= 0,", "a > 0,"),
            (IntConstant, "a >= 0,", "a >= 1,"),
            (IntConstant, "a >= 0,", "a >= -1,"),
            (Comparison, "b != d,", "b == d,"),
            // `c` is a ByteArray: only the two Ints trade places.
            (ArgSwap, "} || pick(c, a, b)", "} || pick(c, b, a)"),
            (BranchTrue, "0 -> False", "0 -> True"),
            (BranchTrue, r#"_ -> z > 2 && x == #"00""#, "_ -> True"),
            (
                OrAnd,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> z > 2 || x == #"00""#,
            ),
            (
                ConjunctTrue,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> True && x == #"00""#,
            ),
            (
                ConjunctTrue,
                r#"_ -> z > 2 && x == #"00""#,
                "_ -> z > 2 && True",
            ),
            (
                Comparison,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> z >= 2 && x == #"00""#,
            ),
            (
                IntConstant,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> z > 3 && x == #"00""#,
            ),
            (
                IntConstant,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> z > 1 && x == #"00""#,
            ),
            (
                Comparison,
                r#"_ -> z > 2 && x == #"00""#,
                r#"_ -> z > 2 && x != #"00""#,
            ),
            // An `if` that returns an Int has no branch made True.
            (Comparison, "if n == 0 {", "if n != 0 {"),
            (IntConstant, "if n == 0 {", "if n == 1 {"),
            (IntConstant, "if n == 0 {", "if n == -1 {"),
            (IntConstant, "1", "2"),
            (IntConstant, "1", "0"),
            (IntConstant, "2", "3"),
            (IntConstant, "2", "1"),
        ];
        let expected: Vec<(Operator, String, String)> = expected
            .iter()
            .map(|(o, b, a)| (*o, b.to_string(), a.to_string()))
            .collect();
        assert_eq!(mutants(), expected);
    }

    #[test]
    fn a_mutant_is_the_whole_module_formatted_and_parses() {
        let (source, types) = typed(MODULE);
        let variants = variants("lib/m.ak", &source, ModuleKind::Lib, &types).unwrap();
        let expect = &variants[2];
        assert_eq!(
            (expect.operator, expect.line, expect.lines),
            (Operator::ExpectTrue, 4, 1)
        );
        assert_eq!(expect.function, "check");
        assert_eq!(
            expect.source,
            source.replace("expect a < b", "expect True"),
            "only the line changes"
        );
        for v in &variants {
            aiken_lang::parser::module(&v.source, ModuleKind::Lib).unwrap();
        }
    }

    #[test]
    fn tests_and_trace_labels_are_not_mutated() {
        let source = "test t() {\n  1 == 1\n}\n\nfn f(n: Int) -> Int {\n  trace @\"label 1\": n > 1\n  n\n}\n";
        let (source, types) = typed(source);
        let found: Vec<String> = variants("lib/m.ak", &source, ModuleKind::Lib, &types)
            .unwrap()
            .into_iter()
            .map(|v| v.after)
            .collect();
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn an_unformatted_module_is_refused() {
        let err = variants(
            "lib/m.ak",
            "fn f() -> Int {  1 }\n",
            ModuleKind::Lib,
            &Types::default(),
        );
        assert!(matches!(err, Err(Error::Unformatted { .. })), "{err:?}");
    }

    #[test]
    fn changed_lines_are_the_lines_between_the_common_ends() {
        assert_eq!(
            changed_lines("a\nb\nc\nd\n", "a\nx y\nd\n"),
            (2, 2, "b c".to_string(), "x y".to_string())
        );
    }
}
