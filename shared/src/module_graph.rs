//! The crate's modules import one another without a cycle: records (`<resource>/model.rs`) and
//! the store never reach back into the handlers, and no module depends on one that depends on
//! it. A module is a file; it depends on another when it names it by path (`crate::a::b`,
//! `super::b`, or `b::` for a module it declares). Test modules do not count.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

type Module = Vec<String>;

/// Every module of the crate, by path (`[]` is the crate root), with its source.
fn modules(dir: &Path, path: &Module, found: &mut BTreeMap<Module, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("the source directory")
        .map(|entry| entry.expect("an entry").path())
        .collect();
    entries.sort();
    for entry in entries {
        let name = entry
            .file_stem()
            .and_then(|stem| stem.to_str())
            .expect("a file name")
            .to_owned();
        if entry.is_dir() {
            let mut inner = path.clone();
            inner.push(name);
            modules(&entry, &inner, found);
        } else if entry.extension().is_some_and(|ext| ext == "rs") {
            let mut module = path.clone();
            if name != "mod" && name != "lib" {
                module.push(name);
            }
            let source = fs::read_to_string(&entry).expect("a source file");
            found.insert(module, without_tests_and_comments(&source));
        }
    }
}

/// The source up to its test module, without line comments.
fn without_tests_and_comments(source: &str) -> String {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    code.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a source names that start with `first` (`crate`, `super` or a child module):
/// each as its segments after `first`; a group (`first::a::{b, c::d}`) names each of its items.
fn paths_from<'a>(source: &'a str, first: &str) -> Vec<Vec<&'a str>> {
    let marker = format!("{first}::");
    let mut paths = Vec::new();
    for (at, _) in source.match_indices(&marker) {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &source[at + marker.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let prefix: Vec<&str> = rest[..end].split("::").filter(|s| !s.is_empty()).collect();
        let group = rest[end..]
            .strip_prefix('{')
            .and_then(|inner| inner.split_once('}'))
            .map(|(inner, _)| inner);
        match group {
            Some(items) => paths.extend(items.split(',').map(|item| {
                let head = item.trim().split("::").next().unwrap_or_default();
                let mut path = prefix.clone();
                if !head.is_empty() && head != "self" && !head.starts_with('{') {
                    path.push(head);
                }
                path
            })),
            None => paths.push(prefix),
        }
    }
    paths
}

/// The modules `source` declares (`mod x;`, `pub mod x;`).
fn declared(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
            let line = line.strip_prefix("pub ").unwrap_or(line);
            line.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect()
}

/// The longest module that `path` starts with.
fn resolve(mut path: Module, modules: &BTreeMap<Module, String>) -> Module {
    while !modules.contains_key(&path) {
        path.pop();
    }
    path
}

fn dependencies(modules: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges = BTreeMap::new();
    for (module, source) in modules {
        let mut to = BTreeSet::new();
        let mut named = |path: Module| {
            let target = resolve(path, modules);
            if &target != module {
                to.insert(target);
            }
        };
        for segments in paths_from(source, "crate") {
            named(segments.iter().map(|s| (*s).to_owned()).collect());
        }
        for segments in paths_from(source, "super") {
            let mut path: Module = module[..module.len().saturating_sub(1)].to_vec();
            for segment in segments {
                if segment == "super" {
                    path.pop();
                } else {
                    path.push(segment.to_owned());
                }
            }
            named(path);
        }
        for child in declared(source) {
            if !paths_from(source, child).is_empty() {
                let mut path = module.clone();
                path.push(child.to_owned());
                named(path);
            }
        }
        edges.insert(module.clone(), to);
    }
    edges
}

/// A cycle of modules, if there is one.
fn cycle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        module: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        marks: &mut BTreeMap<Module, Mark>,
        trail: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        match marks.get(module) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = trail.iter().position(|m| m == module).unwrap_or(0);
                let mut found = trail[from..].to_vec();
                found.push(module.clone());
                return Some(found);
            }
            None => {}
        }
        marks.insert(module.clone(), Mark::Open);
        trail.push(module.clone());
        for next in edges.get(module).into_iter().flatten() {
            if let Some(found) = visit(next, edges, marks, trail) {
                return Some(found);
            }
        }
        trail.pop();
        marks.insert(module.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    edges
        .keys()
        .find_map(|module| visit(module, edges, &mut marks, &mut Vec::new()))
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

#[test]
fn the_modules_import_one_another_without_a_cycle() {
    let mut found = BTreeMap::new();
    modules(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &Vec::new(),
        &mut found,
    );
    assert!(found.len() > 100, "read {} modules", found.len());
    let edges = dependencies(&found);
    let store_reads = &edges[&vec!["store".to_owned(), "write".to_owned()]];
    assert!(
        store_reads.contains(&vec!["requests".to_owned(), "model".to_owned()]),
        "the graph sees the store's imports: {store_reads:?}"
    );
    // Every cycle found, each broken at its last step to look for the next.
    let mut remaining = edges.clone();
    let mut cycles = Vec::new();
    while let Some(found) = cycle(&remaining) {
        let names: Vec<String> = found.iter().map(name).collect();
        cycles.push(names.join(" → "));
        if let [.., from, to] = found.as_slice()
            && let Some(next) = remaining.get_mut(from)
        {
            next.remove(to);
        }
    }
    assert!(
        cycles.is_empty(),
        "modules in a cycle:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn a_cycle_is_found() {
    let module = |name: &str| vec![name.to_owned()];
    let edges = BTreeMap::from([
        (module("a"), BTreeSet::from([module("b")])),
        (module("b"), BTreeSet::from([module("c")])),
        (module("c"), BTreeSet::from([module("a")])),
    ]);
    assert_eq!(
        cycle(&edges).map(|c| c.len()),
        Some(4),
        "a → b → c → a: {:?}",
        cycle(&edges)
    );
    let acyclic = BTreeMap::from([
        (module("a"), BTreeSet::from([module("b")])),
        (module("b"), BTreeSet::new()),
    ]);
    assert_eq!(cycle(&acyclic), None);
}
